import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'load',
    include: ['**/*.test.ts', '**/*.integration-test.ts'],
    exclude: ['**/node_modules/**', '**/.next/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
