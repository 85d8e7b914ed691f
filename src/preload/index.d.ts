import type { LockstepApi } from '../shared/api';

declare global {
  interface Window {
    lockstep: LockstepApi;
  }
}
