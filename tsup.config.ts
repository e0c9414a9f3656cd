import { defineConfig } from 'tsup';

// One bundle per subpath export. Optional drivers (better-sqlite3, pg) stay external, so a user of
// the memory store installs and bundles neither.
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      sqlite: 'src/sqlite/index.ts',
      postgres: 'src/postgres/index.ts',
      testing: 'src/testing/index.ts',
      machines: 'machines/index.ts',
      visualizer: 'src/visualizer/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
    external: ['better-sqlite3', 'pg', 'xstate', 'zod', 'luxon', 'nanoid', 'eventemitter3', '@xstate/graph', 'elkjs'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external: ['better-sqlite3', 'pg'],
  },
]);
