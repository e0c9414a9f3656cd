import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, DocketError, isDocketError, memoryStore, virtualClock, type Commit, type Store } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { T0 } from './helpers/records.js';

// Regression: a start with an explicit id whose commit was told STORE_OUTCOME_UNKNOWN (it landed,
// the answer was lost) and was retried with the same id and input by the same actor was answered
// CONFLICT, though the instance it asked for existed. It is answered as the start that landed, as a
// send retried with its idempotency key is; an id taken otherwise is still CONFLICT saying so.

const other = { id: 'zhao', roles: ['staff'] };

type Fault = 'none' | 'landed-unknown' | 'unavailable';

/** A memory store whose next commit fails as `fault` says: landed but answered unknown, or refused before landing. */
function faultyStore(): { store: Store; next(fault: Fault): void } {
  const base = memoryStore();
  let fault: Fault = 'none';
  const store: Store = Object.assign(Object.create(base) as Store, {
    async commit(c: Commit) {
      const f = fault;
      fault = 'none';
      if (f === 'unavailable') throw new DocketError('STORE_UNAVAILABLE', 'The database is down; nothing was written.');
      await base.commit(c);
      if (f === 'landed-unknown') throw new DocketError('STORE_OUTCOME_UNKNOWN', 'The answer to the commit was lost.');
    },
  });
  return { store, next: (f) => void (fault = f) };
}

function setup() {
  const { store, next } = faultyStore();
  const engine = createEngine({ store, clock: virtualClock(T0), workflows: [reviewWorkflow], workerId: 'w', effects: { notify: () => undefined, archive: () => undefined } });
  const started: string[] = [];
  engine.on('started', (view) => started.push(view.id));
  return { store, engine, next, started };
}

function codeOf(error: unknown): string {
  return isDocketError(error) ? error.code : `raw: ${String(error)}`;
}

describe('engine.start retried with the same id', () => {
  it('after STORE_OUTCOME_UNKNOWN (it landed), the same start by the same actor resolves with the id; nothing is written or emitted twice', async () => {
    const { store, engine, next, started } = setup();
    next('landed-unknown');
    expect(await engine.start('review', { title: 't' }, { actor: staff, id: 'x' }).then(() => 'ok', codeOf)).toBe('STORE_OUTCOME_UNKNOWN');
    expect(await engine.start('review', { title: 't' }, { actor: staff, id: 'x' })).toBe('x');
    expect((await store.history('x')).map((e) => e.event.type)).toEqual(['docket.start']);
    expect(started).toEqual([]);
    expect((await engine.get('x')).revision).toBe(1);
    // And once more, after the instance moved on: still the same start, still answered with its id.
    await engine.send('x', { type: 'SUBMIT' }, { actor: staff });
    expect(await engine.start('review', { title: 't' }, { actor: staff, id: 'x' })).toBe('x');
    expect((await store.history('x')).length).toBe(2);
  });

  it('with another input, or by another actor, it is CONFLICT naming the id as taken, and changes nothing', async () => {
    const { store, engine } = setup();
    await engine.start('review', { title: 't' }, { actor: staff, id: 'x' });
    for (const [input, actor, why] of [
      [{ title: 'other' }, staff, /with another input/],
      [{ title: 't' }, other, /by someone else/],
    ] as const) {
      const error = await engine.start('review', input, { actor, id: 'x' }).then(() => undefined, (e: unknown) => e);
      expect(isDocketError(error, 'CONFLICT')).toBe(true);
      expect((error as DocketError).details).toMatchObject({ instanceId: 'x', field: 'id' });
      expect((error as DocketError).message).toMatch(/Instance id "x" is taken/);
      expect((error as DocketError).message).toMatch(why);
    }
    expect((await store.history('x')).length).toBe(1);
    expect((await store.load('x'))?.context).toMatchObject({ title: 't' });
  });

  it('property: over any sequence of starts under one id (any actor, input, and commit fault), the first start that landed stands; a later one resolves exactly when it is the same start by the same actor, else CONFLICT; one history entry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ actor: fc.constantFrom(staff, other), title: fc.constantFrom('a', 'b'), fault: fc.constantFrom<Fault>('none', 'landed-unknown', 'unavailable') }), { minLength: 1, maxLength: 6 }),
        async (starts) => {
          const { store, engine, next } = setup();
          let first: { actor: string; title: string } | undefined;
          for (const s of starts) {
            next(s.fault);
            const told = await engine.start('review', { title: s.title }, { actor: s.actor, id: 'x' }).then(() => 'ok', codeOf);
            if (first === undefined) {
              expect(told).toBe(s.fault === 'none' ? 'ok' : s.fault === 'landed-unknown' ? 'STORE_OUTCOME_UNKNOWN' : 'STORE_UNAVAILABLE');
              if (s.fault !== 'unavailable') first = { actor: s.actor.id, title: s.title };
            } else {
              // Refused before it was sent (nothing written), or refused by the store as a taken id: then
              // the same start by the same actor is the one that landed, anything else CONFLICT.
              const same = first.actor === s.actor.id && first.title === s.title;
              expect(told).toBe(s.fault === 'unavailable' ? 'STORE_UNAVAILABLE' : same ? 'ok' : 'CONFLICT');
            }
            next('none');
          }
          const history = await store.history('x');
          expect(history.length).toBe(first === undefined ? 0 : 1);
          if (first) expect([history[0]!.actor.id, (history[0]!.event as unknown as { input: { title: string } }).input.title]).toEqual([first.actor, first.title]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
