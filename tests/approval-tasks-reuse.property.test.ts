import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, role, staticDirectory, users, virtualClock, type ApprovalMode } from '../src/index.js';
import { actor, approvalFlow, li, people, type FlowContext } from './approvals-fixture.js';
import { frozenMark } from '../src/store/frozen-data.js';

// The approval plugin's `tasks` projection reuses the task it built for an assignment at the last
// commit when nothing the task is built from changed (approval-tasks.ts), frozen and marked so the
// store's payload check reads its mark. Reuse must never show: after every act of a random run the
// inbox of an engine that reuses equals, as JSON text (key order included), the inbox of a twin run
// in which every act goes through a new engine and a new definition (a projection with nothing to
// reuse), fed the same acts at the same instants.

const PEOPLE = ['zhao', 'qian', 'sun', 'wu', 'zheng'] as const;
const directory = staticDirectory({ users: people });

/** The inbox's own data: none, a new object per commit, or a part of the context. */
type InboxData = 'fresh' | 'part';

interface Shape {
  readonly mode: ApprovalMode;
  readonly named: readonly string[];
  readonly group: boolean;
  /**
   * The step's approver rules carry a Date of their own (kept by the definition): the step's spec is
   * not JSON data throughout (a toJSON), so it carries no mark and its tasks' actions are fresh lists.
   */
  readonly hooked?: boolean;
}

/** One approval step of `shape` after SUBMIT, then a 会签 of two, built afresh (a new projection) each call. */
function workflow(shape: Shape, data?: InboxData) {
  const inbox = data === 'fresh' ? { data: (c: FlowContext) => ({ asked: c.initiator }) } : data === 'part' ? { data: (c: FlowContext) => c.approvalFlow } : undefined;
  const rules = [...(shape.named.length > 0 ? [users(...shape.named)] : []), ...(shape.group ? [role('legal', { claim: true })] : [])];
  const approvers = shape.hooked ? rules.map((r) => ({ ...r, since: new Date(0) })) : rules;
  return approvalFlow(
    [
      { id: 'review', title: { 'zh-CN': '评审', en: 'Review' }, mode: shape.mode, approvers: approvers as never, whenNobody: 'approve', whenTooFew: 'lower' },
      { id: 'sign', mode: 'all', approvers: users('wu', 'zheng') },
    ],
    { draft: true, id: 'reuse', version: 3, ...(inbox ? { inbox } : {}) },
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
  hooked: fc.boolean(),
});

/** The inbox of `id` as JSON text, in the store's order. */
async function inboxText(store: ReturnType<typeof memoryStore>, id: string): Promise<string> {
  return JSON.stringify(await store.tasks({ instanceId: id }));
}

/**
 * What a careless reader does to the tasks it was given (the memory store hands every reader the very
 * objects it keeps): change a field, a seat holder, a field of the data, push to a list, give a list a
 * toJSON. Each change that goes through is recorded; none must show in any other read.
 */
function scribble(tasks: readonly unknown[], which = ALL_CHANGES): void {
  for (const t of tasks as Record<string, any>[]) {
    const changes = [
      () => (t['status'] = 'claimed'),
      () => (t['createdAt'] = 0),
      () => t['holders'].push('mallory'),
      () => t['assignees'].push('mallory'),
      () => t['seated'].pop(),
      () => t['roles'].push('auditor'),
      () => (t['data'].round = 99),
      () => (t['data'].task = 'forged'),
      () => (t['assignees'].toJSON = () => ['mallory']),
      () => t['actions'].push('ARCHIVE'),
    ];
    for (const [n, change] of changes.entries()) {
      if ((which & (1 << n)) === 0) continue;
      try {
        change();
      } catch {
        // Refused (frozen): what a reader should meet.
      }
    }
  }
}

/** Every change scribble knows (a bit each). */
const ALL_CHANGES = (1 << 10) - 1;

interface RunOptions {
  /** The instance belongs to a tenant (the store stamps each task with it: a copy of the task). */
  readonly tenant?: boolean;
  /** The inbox's own data (`withApprovals({ inbox: { data } })`). */
  readonly data?: InboxData;
  /** After every act a reader changes every task it reads (see scribble): these changes (bits). */
  readonly scribble?: number;
}

async function run(shape: Shape, acts: readonly { actor: string; event: Record<string, unknown> }[], options: RunOptions = {}): Promise<{ reused: number }> {
  const start = '2026-12-01T09:00:00+08:00';
  const tenants = options.tenant ? { tenants: { acme: { directory } } } : {};
  const startAs = { actor: li, id: 'r1', ...(options.tenant ? { tenant: 'acme' } : {}) };
  const reusingStore = memoryStore();
  const reusing = createEngine({ store: reusingStore, clock: virtualClock(start), directory, workflows: [workflow(shape, options.data)], ...tenants });
  const freshStore = memoryStore();
  const freshClock = virtualClock(start);
  const fresh = () => createEngine({ store: freshStore, clock: freshClock, directory, workflows: [workflow(shape, options.data)], ...tenants });
  const read = async (): Promise<string> => {
    const text = await inboxText(reusingStore, id);
    if (options.scribble) {
      scribble(await reusingStore.tasks({ instanceId: id }), options.scribble);
      for (const p of PEOPLE) scribble(await reusing.tasks({ assignee: p }), options.scribble);
    }
    return text;
  };
  const id = await reusing.start('reuse' as never, { amount: 1 } as never, startAs as never);
  await reusing.send(id, { type: 'SUBMIT' } as never, { actor: li });
  let twin = fresh();
  await twin.start('reuse' as never, { amount: 1 } as never, startAs as never);
  await twin.close();
  twin = fresh();
  await twin.send(id, { type: 'SUBMIT' } as never, { actor: li });
  await twin.close();
  expect(await read()).toBe(await inboxText(freshStore, id));
  // A second read, after the first reader's changes, is the same inbox.
  expect(await read()).toBe(await inboxText(freshStore, id));
  let reused = 0;
  let before = new Set(await reusingStore.tasks({ instanceId: id }));
  for (const { actor: by, event } of acts) {
    const who = actor(by);
    const a = await reusing.send(id, event as never, { actor: who }).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
    twin = fresh();
    const b = await twin.send(id, event as never, { actor: who }).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
    await twin.close();
    expect(a, `${by} ${JSON.stringify(event)}`).toBe(b);
    expect(await read(), `${by} ${JSON.stringify(event)}`).toBe(await inboxText(freshStore, id));
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

// The memory store hands every reader the very task objects it keeps, and since session 19 the next
// commit hands the store the same objects again when nothing they are built from changed. A reader that
// changed a task in place (its status, a seat holder, its data's round) had its change shown to every
// other reader, and carried into every later commit's inbox that reused the task, where a task built
// afresh would not have it. Tasks are frozen as built (their parts marked), and the memory store
// freezes what it keeps (a tenant's copy of a task too).
describe('approval tasks: a reader that changes the tasks it read changes no other read', () => {
  it('a 会签 of five: changes to the tasks read show in no later read, before or after the next acts', async () => {
    const acts = [{ actor: 'zhao', event: { type: 'APPROVE', step: 'review' } }, { actor: 'qian', event: { type: 'CC', step: 'review', users: ['zheng'] } }];
    await run({ mode: 'all', named: [...PEOPLE], group: false }, acts, { scribble: ALL_CHANGES });
  });

  it('a change made to a task read before an act that leaves the task as it was does not come back in the inbox after it', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock('2026-12-01T09:00:00+08:00'), directory, workflows: [workflow({ mode: 'all', named: ['zhao', 'qian', 'sun'], group: false })] });
    const id = await engine.start('reuse' as never, {} as never, { actor: li, id: 'r1' } as never);
    await engine.send(id, { type: 'SUBMIT' } as never, { actor: li });
    const built = await inboxText(store, id);
    // What the reuse check does not compare (it compares the assignees and seat holders).
    for (const t of (await store.tasks({ instanceId: id })) as unknown as Record<string, any>[]) {
      try {
        t['status'] = 'claimed';
        t['holders'].push('mallory');
        t['data'].round = 99;
      } catch {
        // Refused (frozen).
      }
    }
    // 抄送 (CC) changes no task: each comes back as the last commit's, not as the reader left it.
    await engine.send(id, { type: 'CC', step: 'review', users: ['zheng'] } as never, { actor: actor('zhao') });
    expect(await inboxText(store, id)).toBe(built);
    await engine.close();
  });

  it('a step whose approver rule holds a Date (its spec carries no mark): the fresh list of actions is frozen too', async () => {
    const acts = [{ actor: 'zhao', event: { type: 'APPROVE', step: 'review' } }];
    await run({ mode: 'all', named: ['zhao', 'qian', 'sun'], group: false, hooked: true }, acts, { scribble: ALL_CHANGES, data: 'fresh' });
  });

  it("a tenant's instance: the store's copy stamped with the tenant is frozen too", async () => {
    const acts = [{ actor: 'zhao', event: { type: 'CLAIM', step: 'review' } }, { actor: 'qian', event: { type: 'APPROVE', step: 'review' } }];
    await run({ mode: 'all', named: ['qian', 'sun'], group: true }, acts, { scribble: ALL_CHANGES, tenant: true });
  });

  it('random steps and acts, with and without a tenant or inbox data: every read is the inbox built afresh', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.array(actArb, { minLength: 1, maxLength: 10 }), fc.boolean(), fc.integer({ min: 1, max: ALL_CHANGES }), fc.constantFrom<InboxData | undefined>(undefined, 'fresh', 'part'), async (shape, acts, tenant, which, data) => {
        await run(shape, acts, { scribble: which, tenant, ...(data ? { data } : {}) });
      }),
      { numRuns: 40 },
    );
  });
});
