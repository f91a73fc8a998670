import { defineConfig } from '@playwright/test';

// Browser e2e against `strata serve`, in Debian's Chromium (Playwright's own browser download is
// not available on our machines). STRATA_CHROMIUM overrides the path.
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  workers: 1,
  // Guards against hangs, not speed checks: the software-rendered WebGL here is several times
  // slower beside another CPU-heavy job, and the suite must hold on a busy machine.
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    colorScheme: 'dark',
    launchOptions: {
      executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
