import { defineConfig } from 'vitest/config';

// One run over every package; each package's own vitest.config.ts says what it includes.
export default defineConfig({
  test: {
    projects: ['packages/domain', 'packages/adapters', 'apps/api', 'load'],
  },
});
