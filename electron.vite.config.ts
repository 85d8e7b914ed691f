import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Entry points are electron-vite's defaults: src/main/index.ts, src/preload/index.ts, src/renderer/index.html,
// built into out/. Targets (node18 / chrome114, CommonJS main and preload) follow from the pinned Electron 25.1.1.
export default defineConfig({
  main: {},
  preload: {
    // A sandboxed preload cannot require node_modules at run time: bundle everything it imports.
    build: { externalizeDeps: false },
  },
  renderer: {
    plugins: [react()],
  },
});
