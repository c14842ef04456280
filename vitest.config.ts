// Test configuration: real simulator on loopback, real files; long enough timeouts for a shared 2-core machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file at a time: several files measure latency against the simulator, and a soak or
    // scale test beside them on a 2-core machine would be measuring the neighbour, not llmperf.
    fileParallelism: false,
  },
});
