// What a 会签 step's size costs (workload 1's "no per-event cost that grows", by seats):
//   npx tsx bench/seats.bench.ts [--quick]
// Each inbox task of an approval step carries the step's seat holders (TaskRecord.seated, the rule by
// which a stand-in who sits in the step stands in for nobody else there), so a 会签 of n seats stores
// n tasks of n names: n² names per step. Measured here, on the memory store: one APPROVE of a 会签 of
// 30 seats against the same act in a 会签 of 3 (ms/op, alternating rounds), and the task rows' JSON
// per step for both sizes. An act that cost in proportion to the seats would read 0.10x; one that did
// not grow, 1x.
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, createEngine, memoryStore, staticDirectory, users, virtualClock, withApprovals, type ApprovalContext, type ApprovalEvent } from '../src/index.js';
import { alternate, compare, figure, partsAsked, report, size } from './harness.js';

const SMALL = 3;
const LARGE = 30;
const people = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
const directory = staticDirectory({ users: [{ id: 'li', roles: ['sales'] }, ...people(LARGE).map((id) => ({ id, roles: ['reviewer'] }))] });

/** A workflow of one 会签 (mode 'all') of `n` named people after a SUBMIT. */
function countersign(n: number) {
  const approvals = withApprovals({});
  const machine = setup({
    types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } },
    actions: approvals.actions,
    guards: approvals.guards,
    delays: approvals.delays,
  }).createMachine({
    context: ({ input }: { input: unknown }) => approvals.context(input),
    initial: 'draft',
    states: {
      draft: { on: { SUBMIT: 'review' } },
      review: approvalStep({ id: 'review', mode: 'all', approvers: users(...people(n)), onApproved: 'approved', onRejected: 'rejected' }),
      approved: { type: 'final' },
      rejected: { type: 'final' },
    },
  } as never);
  return approvals.defineWorkflow({ id: `countersign-${n}`, version: 1, machine: machine as never, input: z.object({}), events: { SUBMIT: z.object({}) }, permissions: { SUBMIT: ['sales'] } });
}

const li = { id: 'li', roles: ['sales'] };
const p0 = { id: 'p0', roles: ['reviewer'] };

/** ms per APPROVE by the first seat over `m` instances of a 会签 of `n`; and the task JSON of one step. */
async function approveOnce(n: number, m: number): Promise<{ ms: number; taskJson: number }> {
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock('2026-12-01T09:00:00+08:00'), directory, workflows: [countersign(n)] });
  const ids: string[] = [];
  for (let i = 0; i < m; i++) {
    const id = await engine.start(`countersign-${n}` as never, {} as never, { actor: li });
    await engine.send(id, { type: 'SUBMIT' } as never, { actor: li });
    ids.push(id);
  }
  const tasks = await store.tasks({ instanceId: ids[0]! } as never);
  const taskJson = tasks.reduce((sum, t) => sum + JSON.stringify(t).length, 0);
  const t0 = performance.now();
  for (const id of ids) await engine.send(id, { type: 'APPROVE', step: 'review' } as never, { actor: p0 });
  const ms = (performance.now() - t0) / m;
  await engine.close();
  return { ms, taskJson };
}

// One part; a part name it does not have is refused (exit code 2), as every bench file does.
partsAsked('seats.bench.ts', ['seats']);
const m = size(400, 60);
await approveOnce(SMALL, 20);
await approveOnce(LARGE, 20);
let json = { small: 0, large: 0 };
const pairs = await alternate(
  size(5, 1),
  async () => {
    const r = await approveOnce(LARGE, m);
    json.large = r.taskJson;
    return r.ms;
  },
  async () => {
    const r = await approveOnce(SMALL, m);
    json.small = r.taskJson;
    return r.ms;
  },
);
report(
  compare(
    { workload: 1, name: `会签 of ${LARGE} seats: human act APPROVE (memory)`, unit: 'ms/op', better: 'lower', baselineLabel: `the same act in a 会签 of ${SMALL}`, target: `info: proportional to seats would read ${(SMALL / LARGE).toFixed(2)}x` },
    pairs,
  ),
);
report(
  figure({
    workload: 1,
    name: `会签 of ${LARGE} seats: inbox task JSON per step`,
    unit: 'B',
    ours: json.large,
    baselineLabel: `a 会签 of ${SMALL}`,
    baseline: json.small,
    ratio: json.small / json.large,
    target: `info: n² names per step (${LARGE}² = ${LARGE * LARGE}); proportional to seats would read ${(SMALL / LARGE).toFixed(2)}x`,
    note: `${(json.large / LARGE).toFixed(0)} B per task at ${LARGE} seats, ${(json.small / SMALL).toFixed(0)} B at ${SMALL}`,
  }),
);
json = { small: 0, large: 0 };
