import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, duration, memoryStore, virtualClock, type Commit, type Store, type TaskRecord, type TaskTimer } from '../src/index.js';
import { admin, reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const DAY = 86_400_000;

type Call = { readonly op: string; readonly id: string; readonly revision?: number; readonly afterRevision?: number };

/**
 * Every commit of an instance the engine did not write itself before (its record came from the
 * store) must follow a load of that revision and the head check of it: the chain's entry for that
 * revision read back (`history(id, { afterRevision: revision - 1 })`). A revision this engine wrote
 * itself needs no check when loaded back (the memory store hands back the very record it committed;
 * `tests/frozen-state.test.ts` checks that a copy read into new objects is checked).
 */
function coldCommitsWithoutHeadCheck(calls: readonly Call[]): string[] {
  const missing: string[] = [];
  const warm = new Set<string>();
  calls.forEach((call, i) => {
    if (call.op !== 'commit' || call.revision === 0) {
      if (call.op === 'commit') warm.add(`${call.id}@${call.revision! + 1}`);
      return;
    }
    const key = `${call.id}@${call.revision}`;
    const before = calls.slice(0, i).filter((c) => c.id === call.id);
    const lastLoad = before.map((c, j) => [c, j] as const).filter(([c]) => c.op === 'load').pop();
    const loadedThis = lastLoad !== undefined && lastLoad[0].revision === call.revision;
    if (!loadedThis) {
      // Not loaded: it must be the engine's own last write (read-your-own-writes).
      if (!warm.has(key)) missing.push(`${key}: neither loaded nor written by this engine`);
    } else if (!warm.has(key) && !before.slice(lastLoad[1]).some((c) => c.op === 'history' && c.afterRevision === call.revision! - 1)) {
      missing.push(`${key}: loaded without the head check`);
    }
    warm.add(`${call.id}@${call.revision! + 1}`);
  });
  return missing;
}

describe('the commit pipeline: every mutating path takes the one path', () => {
  it('start, send, timers, suspend, resume, moveTo and terminate commit under the instance lock, with the head check when loaded cold', async () => {
    const shared = memoryStore();
    const clock = virtualClock(START);
    // Another engine writes the instances: this engine's cache knows none of them.
    const writer = createEngine({ store: shared, clock, workflows: [reviewWorkflow] });
    const ids = [await writer.start('review', { title: 'A' }, { actor: staff }), await writer.start('review', { title: 'B' }, { actor: staff })];
    await writer.send(ids[0]!, { type: 'SUBMIT' }, { actor: staff });
    await writer.close();

    const wrapped = spyOver(shared);
    const engine = createEngine({ store: wrapped.store, clock, workflows: [reviewWorkflow] });

    // Concurrent acts on one instance: a cold send, a keyed send, an admin operation.
    const acts = await Promise.allSettled([
      engine.send(ids[1]!, { type: 'SUBMIT' }, { actor: staff }),
      engine.send(ids[1]!, { type: 'WITHDRAW' }, { actor: staff, idempotencyKey: 'w-1' }),
      engine.suspend(ids[0]!, { actor: admin, reason: 'audit' }),
    ]);
    expect(acts.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    await engine.resume(ids[0]!, { actor: admin, reason: 'audit done' });
    const third = await engine.start('review', { title: 'C' }, { actor: staff });
    await engine.send(third, { type: 'SUBMIT' }, { actor: staff });
    await engine.moveTo(third, { actor: admin, target: 'draft', reason: 'redo' });
    await engine.send(third, { type: 'SUBMIT' }, { actor: staff });
    // Both reviewing instances' deadlines fire (one armed by the writer, one by this engine).
    const fired = await clock.advanceBy({ days: 4 });
    expect(fired.map((f) => f.instanceId).sort()).toEqual([ids[0]!, third].sort());
    await engine.terminate(third, { actor: admin, reason: 'closed' });

    const commits = wrapped.calls.filter((c) => c.op === 'commit');
    // start (1) + sends (4) + suspend + resume + moveTo + 2 timers + terminate.
    expect(commits).toHaveLength(11);
    expect(coldCommitsWithoutHeadCheck(wrapped.calls)).toEqual([]);
    expect(wrapped.overlaps).toEqual([]);
    // Every act of this engine on the writer's instances loaded them cold first.
    expect(wrapped.calls.find((c) => c.id === ids[0] && c.op !== 'findIdempotency')).toMatchObject({ op: 'load' });
    expect(wrapped.calls.find((c) => c.id === ids[1] && c.op !== 'findIdempotency')).toMatchObject({ op: 'load' });
    await engine.close();
  });

  it('no engine file but the pipeline plans or writes a commit, and no step reads a shared "now"', () => {
    const dir = join(__dirname, '..', 'src', 'engine');
    const offenders: string[] = [];
    // Subfolders too (migration/): every engine file, wherever it sits.
    for (const file of (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      if (file !== 'commit-pipeline.ts' && file !== 'plan-commit.ts' && /\bstore\.commit\(|\bplanCommit\(/.test(text)) offenders.push(`${file} commits`);
      if (/registry\.now\b|takeProvisional/.test(text)) offenders.push(`${file} reads registry state for now`);
    }
    expect(offenders).toEqual([]);
  });
});

/**
 * A store over `inner` that logs, per instance, every call an act makes, and whether any call on an
 * instance started while a commit on it was still in flight (its commit yields to the event loop
 * before writing, so an act that did not hold the instance's lock would slip in).
 */
function spyOver(inner: Store): { store: Store; calls: Call[]; overlaps: string[] } {
  const calls: Call[] = [];
  const overlaps: string[] = [];
  const committing = new Set<string>();
  const touch = (op: string, id: string, extra: Partial<Call> = {}) => {
    if (committing.has(id)) overlaps.push(`${op} ${id} during a commit`);
    calls.push({ op, id, ...extra });
  };
  const store: Store = Object.assign(Object.create(Object.getPrototypeOf(inner)) as Store, inner, {
    async load(id: string) {
      touch('load', id);
      const at = calls.length - 1;
      const record = await inner.load(id);
      if (record) calls[at] = { op: 'load', id, revision: record.revision };
      return record;
    },
    async history(id: string, opts?: Parameters<Store['history']>[1]) {
      touch('history', id, opts?.afterRevision === undefined ? {} : { afterRevision: opts.afterRevision });
      return inner.history(id, opts);
    },
    async findIdempotency(id: string, key: string) {
      touch('findIdempotency', id);
      return inner.findIdempotency(id, key);
    },
    async commit(c: Commit) {
      const id = c.instance.id;
      touch('commit', id, { revision: c.expectedRevision });
      committing.add(id);
      try {
        await new Promise<void>((resolve) => setImmediate(resolve));
        return await inner.commit(c);
      } finally {
        committing.delete(id);
      }
    },
  });
  return { store, calls, overlaps };
}

describe('the workflow hooks seam', () => {
  const carrying = defineWorkflow({
    id: 'carry',
    version: 1,
    machine: setup({
      types: {} as { context: { seen: unknown[] }; events: { type: 'ACT'; $carry?: unknown } },
      delays: { answer: 0 },
    }).createMachine({
      context: { seen: [] },
      initial: 'open',
      states: {
        open: {
          after: { answer: 'late' },
          on: { ACT: { actions: assign({ seen: ({ context, event }) => [...context.seen, event.$carry ?? null] }) } },
        },
        late: {},
      },
    }),
    input: z.object({}),
    events: { ACT: z.object({ n: z.number() }) },
    deadlines: { answer: duration({ days: 2 }) },
    // The hook works something out once; the machine receives it as `$carry`.
    authorize: ({ event }) => (Number(event.n) > 0 ? { carry: { decided: Number(event.n) * 10 } } : true),
    tasks: ({ snapshot, instance, now, timers }): TaskRecord[] =>
      snapshot.matches('open')
        ? [
            {
              id: `${instance.id}:open`,
              instanceId: instance.id,
              workflow: instance.workflow,
              step: 'open',
              assignees: ['li'],
              roles: [],
              status: 'open',
              // The due date is read from the timer the commit armed, not resolved again.
              dueAt: timers.find((t: TaskTimer) => t.name === 'answer')?.dueAt ?? null,
              actions: ['ACT'],
              createdAt: now,
              data: { timers },
            },
          ]
        : [],
  });

  it('an authorize hook returning { carry } hands it to the machine as $carry, and the history does not record it', async () => {
    const clock = virtualClock(START);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [carrying] });
    const id = await engine.start('carry', {}, { actor: staff });
    await engine.send(id, { type: 'ACT', n: 4 }, { actor: staff });
    await engine.send(id, { type: 'ACT', n: 0 }, { actor: staff });
    expect((await engine.get(id)).context).toEqual({ seen: [{ decided: 40 }, null] });
    const acts = (await engine.history(id)).filter((h) => h.kind === 'event');
    expect(acts.map((h) => h.event)).toEqual([{ type: 'ACT', n: 4 }, { type: 'ACT', n: 0 }]);
    await engine.close();
  });

  it('the tasks hook receives the pending timers the commit planned', async () => {
    const clock = virtualClock(START);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [carrying] });
    const id = await engine.start('carry', {}, { actor: staff });
    const [task] = await engine.tasks({ instanceId: id });
    expect(task).toMatchObject({ dueAt: START + 2 * DAY, data: { timers: [{ name: 'answer', dueAt: START + 2 * DAY, state: 'open' }] } });
    // A step later the timer is the same one (not re-armed), and so is the due date.
    await clock.advanceBy({ days: 1 });
    await engine.send(id, { type: 'ACT', n: 1 }, { actor: staff });
    expect((await engine.tasks({ instanceId: id }))[0]).toMatchObject({ dueAt: START + 2 * DAY });
    // The deadline fires: no open task, no timers.
    await clock.advanceBy({ days: 2 });
    expect(await engine.tasks({ instanceId: id })).toEqual([]);
    await engine.close();
  });
});

describe('timer delivery in batches', () => {
  it('two engines firing the same 40 due timers at once fire each exactly once', async () => {
    const store = memoryStore();
    const clockA = virtualClock(START);
    const clockB = virtualClock(START);
    const a = createEngine({ store, clock: clockA, workflows: [reviewWorkflow], workerId: 'a' });
    const b = createEngine({ store, clock: clockB, workflows: [reviewWorkflow], workerId: 'b' });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = await a.start('review', { title: `T${i}` }, { actor: staff });
      await a.send(id, { type: 'SUBMIT' }, { actor: staff });
      ids.push(id);
    }
    const at = START + 3 * DAY + 1;
    const [fa, fb] = await Promise.all([clockA.advanceTo(at), clockB.advanceTo(at)]);
    const firedIds = [...fa, ...fb].map((f) => f.instanceId).sort();
    expect(firedIds).toEqual([...ids].sort());
    for (const id of ids) {
      const history = await store.history(id);
      expect(history.filter((h) => h.kind === 'timer')).toHaveLength(1);
      expect((await store.load(id))!.state).toBe('escalated');
    }
    await a.close();
    await b.close();
  });
});
