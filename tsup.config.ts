import { defineConfig } from 'tsup';

// One bundle per subpath export. Optional drivers (better-sqlite3, pg) stay external, so a user of
// the memory store installs and bundles neither. xstate, zod and @opentelemetry/api are peers (one
// copy shared with the app). Tooling weight is bundled, not installed: @xstate/graph into
// docket/testing, hono into docket/http, commander and string-width into the CLI (all devDependencies); elkjs is an optional peer.
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      sqlite: 'src/sqlite/index.ts',
      postgres: 'src/postgres/index.ts',
      testing: 'src/testing/index.ts',
      machines: 'machines/index.ts',
      http: 'src/http/index.ts',
      otel: 'src/observe/otel.ts',
      visualizer: 'src/visualizer/index.ts',
      internals: 'src/internals.ts', // unstable: hashing and chain verification for external auditors
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    shims: true, // import.meta.url in the CommonJS build (optional drivers load through createRequire)
    treeshake: true,
    external: ['better-sqlite3', 'pg', 'xstate', 'zod', 'luxon', 'nanoid', 'eventemitter3', 'tyme4ts', 'elkjs', '@opentelemetry/api'],
    noExternal: ['@xstate/graph', 'hono'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    // commander is CommonJS: bundled into ESM it needs a real `require` for node's builtins.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __docketRequire } from 'node:module';\nconst require = __docketRequire(import.meta.url);" },
    // elkjs (diagrams only) is an optional peer, loaded on first use; the rest is bundled.
    external: ['better-sqlite3', 'pg', 'xstate', 'zod', 'luxon', 'nanoid', 'eventemitter3', 'tyme4ts', 'elkjs'],
    // string-width (ESM, Node >= 20): the display width of CJK text, so the CLI's columns line up.
    noExternal: ['commander', '@xstate/graph', 'string-width'],
  },
]);
