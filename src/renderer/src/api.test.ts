import * as fs from 'fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestHandlers } from '../../../test/handlers';
import { copyFixture } from '../../../test/fixture';
import { call, describeFailure } from './api';
import type { LockstepApi } from '../../shared/api';

/** What a person reads when the real handlers refuse a call: plain words, no request names, no raw timestamps. */
describe('describeFailure', () => {
  const dataDir = copyFixture('lockstep-api-');
  const { handlers } = createTestHandlers(dataDir, 'ana');
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const api = handlers as unknown as LockstepApi;
  const failure = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      return describeFailure(err);
    }
    throw new Error('the call did not fail');
  };

  it('says what is wrong with a name, without the request or field names', async () => {
    const text = await failure(() => call(api, 'createTeam', { name: 'my team' }));
    expect(text).toBe('Team "my team" may only use letters, digits, ".", "_" and "-".');
    expect(text).not.toMatch(/Invalid|createTeam|name:/);
  });

  it('names the holder of a claim and says since when in words', async () => {
    const text = await failure(() => call(api, 'moveTask', { team: 'webapp', id: 'dd0eba2d', status: 'pending' }));
    expect(text).toMatch(
      /^Locked by backend: they claimed this task \d+ (s|min|h|d) ago\. Ask them to release it, or force-release it from the task panel\.$/,
    );
  });

  it('refuses to complete a task that waits for unfinished tasks (the rule the board shows while dragging)', async () => {
    const text = await failure(() => call(api, 'moveTask', { team: 'webapp', id: 'cb4e74bf', status: 'completed' }));
    expect(text).toContain('cannot be completed yet: it waits for "Design the signup API" (in progress)');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});
