import * as machines from '../../machines/index.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import { reviewWorkflow } from '../../tests/fixtures/review-workflow.js';

function isWorkflow(value: unknown): value is AnyWorkflow {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'docket.workflow';
}

/** True for the contract approval (合同评审), whichever id the machines give it. */
export function isContractWorkflow(workflow: AnyWorkflow): boolean {
  return /contract/i.test(workflow.id);
}

/**
 * Every workflow the CLI and the docs site know: those exported from `machines/index.ts` (the newest
 * version of each id), plus the engine tests' review fixture for as long as the contract approval
 * has not landed, so the simulator always has a workflow that reaches a final state.
 */
export function workflowCatalog(): AnyWorkflow[] {
  const byId = new Map<string, AnyWorkflow>();
  for (const value of Object.values(machines as Record<string, unknown>)) {
    if (!isWorkflow(value)) continue;
    const seen = byId.get(value.id);
    if (!seen || seen.version < value.version) byId.set(value.id, value);
  }
  // By id, so every caller (the site, the CLI, the tests) sees the same order.
  const list = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  if (!list.some(isContractWorkflow)) list.push(reviewWorkflow as unknown as AnyWorkflow);
  return list;
}
