import { defineConfig } from '@playwright/test';

// The real app under Xvfb (scripts/test.mjs wraps the run in xvfb-run when there is no display).
// Every app these tests launch checks each answer against the contract (src/main/index.ts, validateOutputs).
process.env.LOCKSTEP_VALIDATE_OUTPUTS ??= '1';
export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e/results.json' }]],
  outputDir: 'test-results/e2e/artifacts',
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
