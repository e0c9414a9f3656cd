/**
 * `util.types.isProxy` where the runtime has it (Node, and Deno and Bun through their Node
 * compatibility), read through `process.getBuiltinModule` so the engine carries no static `node:`
 * import and still bundles for a browser (the docs site's simulator runs the real engine). Where no
 * runtime check exists it answers `false`: a Proxy is then treated as the plain data it reads as,
 * which stays safe because payloads are copied by reading each property exactly once.
 */
type IsProxy = (value: unknown) => boolean;

const util = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:util') as
  | { types?: { isProxy?: IsProxy } }
  | undefined;

export const isProxy: IsProxy = util?.types?.isProxy ?? (() => false);
