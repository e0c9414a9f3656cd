// GET /instances/:id/history without `limit` answered the whole history in one response (every
// entry, and with includeRefused every refusal too): unbounded, where GET /instances pages. It is now
// always a page `{ items, nextCursor? }` of 100 entries unless `limit` says otherwise, and
// includeRefused pages as well (each refusal on the page of the revision it was made at).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { counterWorkflow } from './helpers/counter-workflow.js';

const staff = { id: 'li', roles: ['staff'] };
const guest = { id: 'guest', roles: ['visitor'] };
type Json = Record<string, any>;

/** A counter bumped `bumps` times, with `refusals[i]` refused INCs after the i-th bump (0: after start). */
async function counterWith(bumps: number, refusals: readonly number[] = []) {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [counterWorkflow] });
  const handler = createHttpHandler({ engine, workflows: [counterWorkflow], identify: () => staff });
  const id = await engine.start('counter', {}, { actor: staff });
  const refuse = async (n: number) => {
    for (let k = 0; k < n; k++) await engine.send(id, { type: 'INC' }, { actor: guest }).catch(() => undefined);
  };
  await refuse(refusals[0] ?? 0);
  for (let i = 1; i <= bumps; i++) {
    await engine.send(id, { type: 'INC' }, { actor: staff });
    await refuse(refusals[i] ?? 0);
  }
  const get = async (query: string) => {
    const response = await handler(new Request(`http://app/instances/${id}/history${query}`));
    return { status: response.status, body: (await response.json()) as Json };
  };
  return { engine, id, get };
}

describe('GET /instances/:id/history is paged like GET /instances', () => {
  it('without a limit: the first 100 entries and a cursor; the cursor gives the rest', async () => {
    const { engine, get } = await counterWith(150);
    const first = await get('');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.items.map((e: Json) => e.revision)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(first.body.nextCursor).toBe('100');
    const rest = await get(`?cursor=${first.body.nextCursor}`);
    expect(rest.body.items.map((e: Json) => e.revision)).toEqual(Array.from({ length: 51 }, (_, i) => i + 101));
    expect(rest.body.nextCursor).toBeUndefined();
    await engine.close();
  });

  it('includeRefused: a page too, its refusals with it, each refusal once', async () => {
    const { engine, get } = await counterWith(3, [1, 0, 2, 0]);
    const first = await get('?includeRefused=true&limit=2');
    expect(first.body.items.map((e: Json) => `${e.kind}:${e.revision}`)).toEqual(['start:1', 'refused:1', 'event:2']);
    expect(first.body.nextCursor).toBe('2');
    const rest = await get(`?includeRefused=true&limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body.items.map((e: Json) => `${e.kind}:${e.revision}`)).toEqual(['event:3', 'refused:3', 'refused:3', 'event:4']);
    expect(rest.body.nextCursor).toBeUndefined();
    await engine.close();
  });

  it('a bad limit or cursor is 400 INVALID_ARGUMENT naming the field, with or without includeRefused', async () => {
    const { engine, get } = await counterWith(3);
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=-1', 'limit'],
      ['?limit=ten', 'limit'],
      ['?includeRefused=true&limit=0', 'limit'],
      ['?cursor=x', 'cursor'],
      ['?cursor=4', 'cursor'],
      ['?cursor=-1', 'cursor'],
      ['?includeRefused=true&cursor=99', 'cursor'],
    ] as const) {
      const answer = await get(query);
      expect([query, answer.status, answer.body.code, answer.body.details?.field]).toEqual([query, 400, 'INVALID_ARGUMENT', field]);
    }
    await engine.close();
  });

  it('property: following the cursors gives the whole history once, in order, no page over its limit (with and without refusals)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 41 }),
        fc.integer({ min: 1, max: 15 }),
        fc.boolean(),
        async (bumps, refusals, limit, includeRefused) => {
          const { engine, id, get } = await counterWith(bumps, refusals);
          const whole = includeRefused ? await engine.history(id, { includeRefused: true }) : await engine.history(id);
          const seen: Json[] = [];
          let cursor: string | undefined;
          for (let pages = 0; ; pages++) {
            expect(pages).toBeLessThan(100);
            const page = await get(`?limit=${limit}${includeRefused ? '&includeRefused=true' : ''}${cursor === undefined ? '' : `&cursor=${cursor}`}`);
            expect(page.status).toBe(200);
            expect(page.body.items.filter((e: Json) => e.kind !== 'refused').length).toBeLessThanOrEqual(limit);
            seen.push(...page.body.items);
            cursor = page.body.nextCursor;
            if (cursor === undefined) break;
          }
          expect(seen).toEqual(JSON.parse(JSON.stringify(whole)));
          await engine.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});
