import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Emulators bind ephemeral loopback ports, so files can run in parallel safely;
    // two workers match the two cores every machine here has.
    maxWorkers: 2,
  },
});
