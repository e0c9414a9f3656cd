import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, role, staticDirectory, users, virtualClock, type ApprovalMode } from '../src/index.js';
import { actor, approvalFlow, li, people } from './approvals-fixture.js';
import { frozenMark } from '../src/store/frozen-data.js';

// The approval plugin's `tasks` projection reuses the task it built for an assignment at the last
// commit when nothing the task is built from changed (approval-tasks.ts), frozen and marked so the
// store's payload check reads its mark. Reuse must never show: after every act of a random run the
// inbox of an engine that reuses equals, as JSON text (key order included), the inbox of a twin run
// in which every act goes through a new engine and a new definition (a projection with nothing to
// reuse), fed the same acts at the same instants.

const PEOPLE = ['zhao', 'qian', 'sun', 'wu', 'zheng'] as const;
const directory = staticDirectory({ users: people });

interface Shape {
  readonly mode: ApprovalMode;
  readonly named: readonly string[];
  readonly group: boolean;
}

/** One approval step of `shape` after SUBMIT, then a 会签 of two, built afresh (a new projection) each call. */
function workflow(shape: Shape) {
  const approvers = [...(shape.named.length > 0 ? [users(...shape.named)] : []), ...(shape.group ? [role('legal', { claim: true })] : [])];
  return approvalFlow(
    [
      { id: 'review', title: { 'zh-CN': '评审', en: 'Review' }, mode: shape.mode, approvers, whenNobody: 'approve', whenTooFew: 'lower' },
      { id: 'sign', mode: 'all', approvers: users('wu', 'zheng') },
    ],
    { draft: true, id: 'reuse', version: 3 },
  );
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
  const id = await reusing.start('reuse' as never, { amount: 1 } as never, { actor: li, id: 'r1' } as never);
  await reusing.send(id, { type: 'SUBMIT' } as never, { actor: li });
  let twin = fresh();
  await twin.start('reuse' as never, { amount: 1 } as never, { actor: li, id: 'r1' } as never);
  await twin.close();
  twin = fresh();
  await twin.send(id, { type: 'SUBMIT' } as never, { actor: li });
  await twin.close();
  expect(await inboxText(reusingStore, id)).toBe(await inboxText(freshStore, id));
  let reused = 0;
  let before = new Set(await reusingStore.tasks({ instanceId: id }));
  for (const { actor: by, event } of acts) {
    const who = actor(by);
    const a = await reusing.send(id, event as never, { actor: who }).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
    twin = fresh();
    const b = await twin.send(id, event as never, { actor: who }).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
    await twin.close();
    expect(a, `${by} ${JSON.stringify(event)}`).toBe(b);
    expect(await inboxText(reusingStore, id), `${by} ${JSON.stringify(event)}`).toBe(await inboxText(freshStore, id));
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
    const acts = [{ actor: 'zhao', event: { type: 'APPROVE', step: 'review' } }, { actor: 'qian', event: { type: 'APPROVE', step: 'review' } }];
    const { reused } = await run({ mode: 'all', named: [...PEOPLE], group: false }, acts);
    // After zhao's act four tasks come back unchanged, after qian's three: each of them is reused.
    expect(reused).toBe(4 + 3);
  });

  it('a 抄送 (CC) changes no task: all three come back as the last commit\'s', async () => {
    const acts = [{ actor: 'zhao', event: { type: 'CC', step: 'review', users: ['zheng'] } }];
    const { reused } = await run({ mode: 'all', named: ['zhao', 'qian', 'sun'], group: false }, acts);
    expect(reused).toBe(3);
  });

  it('a delegation (委托) seats the delegate in the step: every task names the new seat holders, none is reused', async () => {
    const acts = [{ actor: 'zhao', event: { type: 'DELEGATE', step: 'review', to: 'zheng' } }];
    const { reused } = await run({ mode: 'all', named: ['zhao', 'qian', 'sun'], group: false }, acts);
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
