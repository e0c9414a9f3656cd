// GET /instances/:id/archived of an id with no archive pointed the caller to the live instance at
// `/instances/${id}`, the id written into the path as it is: for `a/b`, `50%` or `x?y` that path named
// another route, an unknown one, or a query. The id is percent-encoded there, as Location is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

function setup() {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff });
  return { engine, handler };
}

/** The live path the 404 of the archived route points to, and what GET of it answers. */
async function pointed(handler: (r: Request) => Promise<Response>, id: string) {
  const res = await handler(new Request(`http://app/instances/${encodeURIComponent(id)}/archived`));
  const body = (await res.json()) as { detail: string };
  const path = /read at (\S+)\.$/.exec(body.detail)![1]!;
  const live = (await (await handler(new Request(`http://app${path}`))).json()) as { id?: string };
  return { status: res.status, live };
}

describe('the archived route points to the live instance by a path that names it', () => {
  it('an id with "/" in it: the path named reads that instance', async () => {
    const { engine, handler } = setup();
    await engine.start('review', { title: 't' } as never, { actor: staff, id: 'a/b' });
    const r = await pointed(handler, 'a/b');
    expect([r.status, r.live.id]).toEqual([404, 'a/b']);
    await engine.close();
  });

  it('property: for any id a start takes, the path in the message reads the instance', async () => {
    const { engine, handler } = setup();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== '' && s !== '.' && s !== '..'), async (id) => {
        if (seen.has(id)) return;
        const started = await engine.start('review', { title: 't' } as never, { actor: staff, id }).then(() => true, () => false);
        if (!started) return;
        seen.add(id);
        expect((await pointed(handler, id)).live.id).toBe(id);
      }),
      { numRuns: 100 },
    );
    await engine.close();
  });
});
