// The SQLite store rewrites an instance's inbox rows only where the task list changed (tasks closed
// from the list, tasks appended); whatever the sequence of task lists, its inbox must read back
// exactly as the memory store's (same tasks, each instance's in its list order, same filters).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { nextCommit, T0 } from './helpers/records.js';

const dir = mkdtempSync(join(tmpdir(), 'docket-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Task = { id: string; step: string; assignees: string[]; roles: string[] };
const people = ['wang', 'zhao', 'li'];
const task = fc.record({
  id: fc.constantFrom('t1', 't2', 't3', 't4', 't5'),
  step: fc.constantFrom('legal', 'finance'),
  assignees: fc.subarray(people),
  roles: fc.subarray(['finance', 'legal']),
});
// A list of tasks with distinct ids (as an instance's inbox always has).
const list = fc.uniqueArray(task, { selector: (t) => t.id, maxLength: 5 });
/** The next list: often the last one with some tasks closed or some appended (what acts do), else any. */
const nextList = (last: Task[]) =>
  fc.oneof(
    fc.subarray(last).map((kept) => kept),
    list.map((more) => [...last, ...more.filter((t) => !last.some((l) => l.id === t.id))]),
    list,
    fc.constant(last),
  );

/**
 * What an inbox shows: each instance's tasks in its list order (across instances the stores order
 * by their own age rules: a row kept is older than one rewritten), and the filters' hits.
 */
async function inbox(store: Store) {
  // A stable sort by instance keeps each instance's own order.
  const all = [...(await store.tasks())].sort((x, y) => (x.instanceId < y.instanceId ? -1 : x.instanceId > y.instanceId ? 1 : 0));
  const by = async (q: Parameters<Store['tasks']>[0]) => (await store.tasks(q)).map((t) => `${t.instanceId}/${t.id}`).sort();
  return {
    all: all.map((t) => ({ instance: t.instanceId, id: t.id, step: t.step, assignees: t.assignees, roles: t.roles })),
    wang: await by({ assignee: 'wang' }),
    finance: await by({ role: 'finance' }),
    a: await by({ instanceId: 'a' }),
  };
}

describe('SQLite inbox rows written by difference', () => {
  it('reads back as the memory store whatever the sequence of task lists (fast-check, 60 runs)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        list.chain((first) => fc.tuple(fc.constant(first), fc.array(fc.nat(3), { minLength: 1, maxLength: 6 }))),
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 7, maxLength: 7 }),
        fc.infiniteStream(fc.nat()),
        async ([first], instances, seeds) => {
          const memory = memoryStore();
          const sqlite = sqliteStore({ filename: join(dir, `t${run++}.db`) });
          try {
            const lists: Record<string, Task[]> = { a: first, b: [] };
            const seed = seeds[Symbol.iterator]();
            for (const pick of instances) {
              const id = pick === 0 ? 'a' : 'b';
              // Derive the next list deterministically from the stream (a small model of the acts).
              const next = fc.sample(nextList(lists[id]!), { numRuns: 1, seed: seed.next().value as number })[0]!;
              lists[id] = next;
              for (const store of [memory, sqlite]) {
                const previous = await store.load(id);
                await store.commit(nextCommit(id, previous, { tasks: next, at: T0 }));
              }
              expect(await inbox(sqlite)).toEqual(await inbox(memory));
            }
          } finally {
            await sqlite.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an approver acting in a 会签 closes their task only; the rest keep their rows (and their order)', async () => {
    const store = sqliteStore({ filename: join(dir, 'countersign.db') });
    const three: Task[] = people.map((p, i) => ({ id: `t${i}`, step: 'review', assignees: [p], roles: [] }));
    await store.commit(nextCommit('c', undefined, { tasks: three, at: T0 }));
    const seqs = () => store.database().prepare(`SELECT seq FROM docket_tasks WHERE instance_id = 'c' ORDER BY seq`).pluck().all();
    const before = seqs();
    await store.commit(nextCommit('c', await store.load('c'), { tasks: [three[0]!, three[2]!], at: T0 }));
    expect(seqs()).toEqual([before[0], before[2]]);
    expect((await store.tasks({ instanceId: 'c' })).map((t) => t.id)).toEqual(['t0', 't2']);
    expect(await store.tasks({ assignee: 'zhao' })).toEqual([]);
    await store.close();
  });
});
