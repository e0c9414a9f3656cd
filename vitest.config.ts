import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    typecheck: { enabled: true, include: ['tests/**/*.types.test.ts'] },
    // The JSON report lets .ci/run print one closing line with the counts.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
