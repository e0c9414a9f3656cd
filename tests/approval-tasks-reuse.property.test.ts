import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, createEngine, memoryStore, role, staticDirectory, users, virtualClock, withApprovals, type ApprovalContext, type ApprovalEvent, type ApprovalMode } from '../src/index.js';
import { frozenMark } from '../src/store/frozen-data.js';

// The approval plugin's `tasks` projection reuses the task it built for an assignment at the last
// commit when nothing the task is built from changed (approval-tasks.ts), frozen and marked so the
// store's payload check reads its mark. Reuse must never show: after every act of a random run the
// inbox of an engine that reuses equals, as JSON text (key order included), the inbox of a twin run
// in which every act goes through a new engine and a new definition (a projection with nothing to
// reuse), fed the same acts at the same instants.

const PEOPLE = ['p0', 'p1', 'p2', 'p3', 'p4'] as const;
const directory = staticDirectory({ users: [{ id: 'li', roles: ['sales'] }, ...PEOPLE.map((id) => ({ id, roles: ['reviewer'] }))] });
const li = { id: 'li', roles: ['sales'] };

interface Shape {
  readonly mode: ApprovalMode;
  readonly named: readonly string[];
  readonly group: boolean;
}

/** A workflow of one approval step of `shape` after SUBMIT, then a second 会签 step, built afresh each call. */
function workflow(shape: Shape) {
  const approvals = withApprovals({});
  const approvers = [...(shape.named.length > 0 ? [users(...shape.named)] : []), ...(shape.group ? [role('reviewer', { claim: true })] : [])];
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
      review: approvalStep({ id: 'review', title: { 'zh-CN': '评审', en: 'Review' }, mode: shape.mode, approvers, whenNobody: 'approve', whenTooFew: 'lower', onApproved: 'sign', onRejected: 'rejected' }),
      sign: approvalStep({ id: 'sign', mode: 'all', approvers: users('p3', 'p4'), onApproved: 'approved', onRejected: 'rejected' }),
      approved: { type: 'final' },
      rejected: { type: 'final' },
    },
  } as never);
  return approvals.defineWorkflow({ id: 'reuse', version: 3, machine: machine as never, input: z.object({}), events: { SUBMIT: z.object({}) }, permissions: { SUBMIT: ['sales'] } });
}

const person = fc.constantFrom(...PEOPLE);
const stepArb = fc.constantFrom('review', 'sign');
const actArb: fc.Arbitrary<{ actor: string; event: Record<string, unknown> }> = fc.oneof(
  { arbitrary: fc.record({ actor: person, event: fc.record({ type: fc.constantFrom('APPROVE', 'REJECT'), step: stepArb }) }), weight: 5 },
  { arbitrary: fc.record({ actor: person, event: fc.record({ type: fc.constant('CLAIM'), step: stepArb }) }), weight: 2 },
  { arbitrary: fc.record({ actor: person, event: fc.record({ type: fc.constantFrom('TRANSFER', 'DELEGATE'), step: stepArb, to: person }) }), weight: 2 },
  { arbitrary: fc.record({ actor: person, event: fc.record({ type: fc.constant('ADD_SIGNER'), step: stepArb, users: fc.uniqueArray(person, { minLength: 1, maxLength: 2 }), position: fc.constantFrom('before', 'after', 'alongside') }) }), weight: 1 },
  { arbitrary: fc.record({ actor: person, event: fc.record({ type: fc.constant('REMOVE_SIGNER'), step: stepArb, user: person }) }), weight: 1 },
  { arbitrary: fc.record({ actor: person, event: fc.record({ type: fc.constant('CC'), step: stepArb, users: fc.uniqueArray(person, { minLength: 1, maxLength: 2 }) }) }), weight: 1 },
);
const shapeArb: fc.Arbitrary<Shape> = fc.record({
  mode: fc.constantFrom<ApprovalMode>('all', 'any', 'sequential', { count: 2 }, { ratio: 0.5 }),
  named: fc.uniqueArray(person, { minLength: 0, maxLength: 5 }),
  group: fc.boolean(),
});

/** The inbox of `id` as JSON text, in the store's order. */
async function inboxText(store: ReturnType<typeof memoryStore>, id: string): Promise<string> {
  return JSON.stringify(await store.tasks({ instanceId: id }));
}

async function run(shape: Shape, acts: readonly { actor: string; event: Record<string, unknown> }[]): Promise<{ reused: number }> {
  const start = '2026-12-01T09:00:00+08:00';
  const reusingStore = memoryStore();
  const reusing = createEngine({ store: reusingStore, clock: virtualClock(start), directory, workflows: [workflow(shape)] });
  const freshStore = memoryStore();
  const freshClock = virtualClock(start);
  const fresh = () => createEngine({ store: freshStore, clock: freshClock, directory, workflows: [workflow(shape)] });
  const id = await reusing.start('reuse' as never, {} as never, { actor: li, id: 'r1' } as never);
  await reusing.send(id, { type: 'SUBMIT' } as never, { actor: li });
  let twin = fresh();
  await twin.start('reuse' as never, {} as never, { actor: li, id: 'r1' } as never);
  await twin.close();
  twin = fresh();
  await twin.send(id, { type: 'SUBMIT' } as never, { actor: li });
  await twin.close();
  expect(await inboxText(reusingStore, id)).toBe(await inboxText(freshStore, id));
  let reused = 0;
  let before = new Set(await reusingStore.tasks({ instanceId: id }));
  for (const { actor, event } of acts) {
    const who = { id: actor, roles: ['reviewer'] };
    const a = await reusing.send(id, event as never, { actor: who }).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
    twin = fresh();
    const b = await twin.send(id, event as never, { actor: who }).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
    await twin.close();
    expect(a, `${actor} ${JSON.stringify(event)}`).toBe(b);
    expect(await inboxText(reusingStore, id), `${actor} ${JSON.stringify(event)}`).toBe(await inboxText(freshStore, id));
    const tasks = await reusingStore.tasks({ instanceId: id });
    // A reused task is the very object the last commit stored; its parts are marked JSON data, so the
    // store's payload check reads their marks.
    const again = tasks.filter((t) => before.has(t));
    if (a !== 'ok') {
      // A refused act changes nothing: the inbox holds the same task objects.
      expect(again.length).toBe(tasks.length);
      continue;
    }
    for (const t of again) for (const part of [t.assignees, t.holders, t.seated, t.roles, t.actions, t.data]) expect(frozenMark(part as object)).toBeDefined();
    reused += again.length;
    before = new Set(tasks);
  }
  await reusing.close();
  return { reused };
}

describe('approval tasks: a task reused from the last commit is the task built afresh', () => {
  it('a 会签 of five: the four untouched tasks are the last commit\'s, their parts marked, and read as built afresh', async () => {
    const acts = [{ actor: 'p0', event: { type: 'APPROVE', step: 'review' } }, { actor: 'p1', event: { type: 'APPROVE', step: 'review' } }];
    const { reused } = await run({ mode: 'all', named: [...PEOPLE], group: false }, acts);
    // After p0's act four tasks come back unchanged, after p1's three: each of them is reused.
    expect(reused).toBe(4 + 3);
  });

  it('a 抄送 (CC) changes no task: all three come back as the last commit\'s', async () => {
    const acts = [{ actor: 'p0', event: { type: 'CC', step: 'review', users: ['p4'] } }];
    const { reused } = await run({ mode: 'all', named: ['p0', 'p1', 'p2'], group: false }, acts);
    expect(reused).toBe(3);
  });

  it('a delegation (委托) seats the delegate in the step: every task names the new seat holders, none is reused', async () => {
    const acts = [{ actor: 'p0', event: { type: 'DELEGATE', step: 'review', to: 'p4' } }];
    const { reused } = await run({ mode: 'all', named: ['p0', 'p1', 'p2'], group: false }, acts);
    expect(reused).toBe(0);
  });

  it('random steps and acts: the inbox after every act is the one a projection with nothing to reuse gives', async () => {
    let reused = 0;
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.array(actArb, { minLength: 1, maxLength: 12 }), async (shape, acts) => {
        reused += (await run(shape, acts)).reused;
      }),
      { numRuns: 60 },
    );
    // The runs did reuse tasks: the property compared reused tasks, not only fresh ones.
    expect(reused).toBeGreaterThan(0);
  });
});
