import { defineConfig, devices } from '@playwright/test';
import { E2E_WEB_URL } from './e2e/support/ports';

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser) against a real API, MariaDB and Redis
 * and a production build of the web app, all started by e2e/global-setup.ts.
 */
export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  // The stack is shared and the machine small: one worker, generous timeouts, no tight timing.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // globalSetup builds Next.js and starts the API: give it time on a busy machine.
  globalTimeout: 20 * 60_000,
  reporter: [['list'], ['json']],
  outputDir: './test-results',
  use: {
    ...devices['Desktop Chrome'],
    baseURL: E2E_WEB_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
