import type { WorkflowEnv } from './define-workflow.js';

// The env a workflow's `implementations` factory is called with when only the names it provides are
// wanted (its actions' effect types, its delays): no directory or calendar, and the instant 0. The
// factory builds functions; none of them runs here.
const LISTING_ENV: WorkflowEnv = { directory: undefined, calendar: undefined, now: () => 0 };

/**
 * What a workflow's `implementations` factory provides, built only to read the names in it (for
 * `effectTypesOf`'s actions and `defineWorkflow`'s declared delays). `undefined` when the factory
 * needs a real env to build (it threw): then its names are known only to the engine, which calls it
 * with one.
 */
export function listedImplementations(factory: (env: WorkflowEnv) => unknown): { readonly actions?: unknown; readonly delays?: unknown } | undefined {
  try {
    const provided = factory(LISTING_ENV);
    return provided !== null && typeof provided === 'object' ? (provided as { actions?: unknown; delays?: unknown }) : {};
  } catch {
    return undefined;
  }
}
