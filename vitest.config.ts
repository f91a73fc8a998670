import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests (against the API server double, over real
// HTTP/WebSocket) live in test/integration. Browser e2e runs under Playwright, not here.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/lint/**/*.test.ts', 'test/doubles/**/*.test.ts', 'test/docs/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    environment: 'node',
    // A guard against hangs, not a speed check: tests that run the CLI as a process take a few
    // seconds per run on a quiet machine and several times that beside a CPU-heavy job.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
