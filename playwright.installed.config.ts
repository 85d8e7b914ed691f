import { defineConfig } from '@playwright/test';

// The installed app's fuses turn Node's inspector off, so the test drives its window over Chromium's DevTools
// protocol with Node 20's WebSocket (behind this flag there; the workers inherit it).
if (!process.env.NODE_OPTIONS?.includes('--experimental-websocket')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --experimental-websocket`.trim();
}

// The installed-package test (test/installed): builds the .deb, installs it, drives the installed app under Xvfb,
// removes it. Separate from playwright.config.ts so `npx playwright test` never installs anything; scripts/test.mjs
// runs it after the end-to-end tests (`npm run test:installed` alone).
export default defineConfig({
  testDir: 'test/installed',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/installed/results.json' }]],
  outputDir: 'test-results/installed/artifacts',
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
