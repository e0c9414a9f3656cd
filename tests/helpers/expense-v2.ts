import { createMachine, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { expenseReimbursement, expenseReimbursementMachine, type ExpenseReimbursementContext } from '../../machines/index.js';
// v2 reuses v1's machine implementations, authorization and inbox, and only renames the deadlines:
// it gives the engine the approval implementations for its own deadlines (an internal of the plugin).
import { approvalImplementations } from '../../src/approvals/approval-implementations.js';
import { defineWorkflow, migrateFrom, staticDirectory, workingDays, type DirectoryUser } from '../../src/index.js';

/**
 * Version 2 of 费用报销, for the migration tests (not a shipped machine): `payment` is renamed
 * `payout` and reminds every 3 working days at 09:30 instead of 5 at 10:00; the CEO step is gone
 * (a CEO-level claim goes from the department head to finance); the context gains `currency`.
 */
export interface ExpenseV2Context extends ExpenseReimbursementContext {
  readonly currency: 'CNY' | 'USD';
}

const rename: Record<string, string> = { payment: 'payout', ceo: 'financeCheck', '#ceo': '#expense.financeCheck' };

/** A deep copy of a machine config with targets renamed; functions and other values kept as they are. */
function retarget(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return (key === 'target' || key === 'approved') && rename[value] ? rename[value] : value;
  if (Array.isArray(value)) return value.map((v) => retarget(v, key));
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = retarget(v, k);
  return out;
}

const v1Config = expenseReimbursementMachine.config as { context: (args: unknown) => ExpenseReimbursementContext; states: Record<string, Record<string, unknown>> };
const states = retarget(v1Config.states) as Record<string, Record<string, unknown>>;
const { ceo: _ceo, payment, ...kept } = states;
const draftOn = kept.draft!.on as Record<string, unknown>;
// The resubmission straight to the CEO step goes (its target was renamed to finance above: drop it).
draftOn.SUBMIT = (draftOn.SUBMIT as { description?: string }[]).filter((t) => !String(t.description).includes('ceo'));

export const expenseV2Machine = createMachine(
  {
    ...(expenseReimbursementMachine.config as object),
    context: (args: unknown) => ({ ...v1Config.context(args), currency: 'CNY' }),
    states: { ...kept, payout: payment },
  } as never,
  expenseReimbursementMachine.implementations as never,
) as AnyStateMachine;

export const expenseV2Deadlines = { paymentRemind: workingDays(3, { time: '09:30' }) };

/** The context a migrated instance must have. */
export const expenseV2ContextSchema = z.object({ currency: z.enum(['CNY', 'USD']), amount: z.number() }).passthrough();

/**
 * The migration from v1, as the tests use it. Claims titled `legacy…` make the transform throw,
 * `eur…` give a currency the schema refuses, `lost…` drafts map to a state v2 does not have.
 */
export const expenseV1toV2 = migrateFrom(expenseReimbursement, {
  states: {
    payment: 'payout',
    draft: (ctx) => (ctx.title.startsWith('lost') ? 'nowhere' : 'draft'),
  },
  context: (old): ExpenseV2Context => {
    if (old.title.startsWith('legacy')) throw new Error('legacy claims have no department code');
    return { ...old, currency: (old.title.startsWith('usd') ? 'USD' : old.title.startsWith('eur') ? 'EUR' : 'CNY') as 'CNY' };
  },
  contextSchema: expenseV2ContextSchema,
});

export const expenseV2 = defineWorkflow({
  ...expenseReimbursement,
  version: 2,
  machine: expenseV2Machine,
  deadlines: expenseV2Deadlines,
  implementations: (env) => approvalImplementations(env, { deadlines: expenseV2Deadlines }),
  migrations: expenseV1toV2,
  labels: { title: expenseReimbursement.labels!.title },
});

export const expensePeople: DirectoryUser[] = [
  { id: 'li', roles: ['staff'], department: 'sales', supervisor: 'wang' },
  { id: 'wang', roles: ['manager'], department: 'sales', supervisor: 'chen' },
  { id: 'chen', roles: ['director'], department: 'sales', supervisor: 'ceo' },
  { id: 'ceo', roles: ['ceo'], department: 'exec' },
  { id: 'sun', roles: ['finance'], department: 'finance' },
];
export const expenseDirectory = staticDirectory({ users: expensePeople, departmentHeads: { sales: 'chen' } });
export const person = (id: string) => ({ id, roles: expensePeople.find((p) => p.id === id)!.roles });
