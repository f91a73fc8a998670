import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests (against the API server double, over real
// HTTP/WebSocket) live in test/integration. Browser e2e runs under Playwright, not here.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/lint/**/*.test.ts', 'test/doubles/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
