import * as machines from '../../machines/index.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import { compareIds } from '../store/claim-rules.js';

/** True for a value made by `defineWorkflow` (any copy of Docket: it checks the `kind` tag). */
export function isWorkflow(value: unknown): value is AnyWorkflow {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'docket.workflow';
}

/** True for the contract approval (合同评审), whichever id the machines give it. */
export function isContractWorkflow(workflow: AnyWorkflow): boolean {
  return /contract/i.test(workflow.id);
}

/**
 * The newest version of each id among `values`, sorted by id in code point order ({@link compareIds},
 * the stores' order): every caller sees the same order on every machine. `localeCompare` sorted by the
 * process's locale, so `docket workflows --json` and the docs site listed `yearly-close` before
 * `sign-off` under LANG=lt_LT.UTF-8 and `aa-audit` last under da_DK.UTF-8.
 */
export function newestById(values: Iterable<unknown>): AnyWorkflow[] {
  const byId = new Map<string, AnyWorkflow>();
  for (const value of values) {
    if (!isWorkflow(value)) continue;
    const seen = byId.get(value.id);
    if (!seen || seen.version < value.version) byId.set(value.id, value);
  }
  return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}

/**
 * The built-in example processes: the workflows exported from `machines/index.ts` (newest version
 * of each id), sorted by id.
 */
export function builtinWorkflows(): AnyWorkflow[] {
  return newestById(Object.values(machines as Record<string, unknown>));
}

/**
 * Every workflow the CLI and the docs site know: the user's (`user`, from `--workflows` or a
 * `docket.config.*` file) first, then the built-in examples whose ids the user's do not take.
 * Without `user`, the built-in examples.
 */
export function workflowCatalog(user: readonly AnyWorkflow[] = []): AnyWorkflow[] {
  const taken = new Set(user.map((w) => w.id));
  return [...user, ...builtinWorkflows().filter((w) => !taken.has(w.id))];
}
