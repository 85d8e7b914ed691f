import react from '@vitejs/plugin-react';
import { resolve } from 'path';
import { defineConfig } from 'electron-vite';

// Entry points: src/main/index.ts (main) and src/main/store-process.ts (the store process, an Electron utility
// process main starts from out/main/store.js), src/preload/index.ts, src/renderer/index.html, built into out/.
// Targets (node18 / chrome114, CommonJS main and preload) follow from the pinned Electron 25.1.1.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/main/index.ts'), store: resolve(__dirname, 'src/main/store-process.ts') },
      },
    },
  },
  preload: {
    // A sandboxed preload cannot require node_modules at run time: bundle everything it imports.
    build: { externalizeDeps: false },
  },
  renderer: {
    plugins: [react()],
  },
});
