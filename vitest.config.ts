import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The e2e tests spawn the built CLI; a loaded 2-core CI machine needs generous limits.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
