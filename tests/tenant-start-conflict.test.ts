// A start under an id another tenant holds is a CONFLICT (ids are one namespace), but the answer said
// what the other tenant's instance was: "it finished and was archived or purged" for a retained one,
// "started under it with another input or workflow" when it was started by a user of the same id,
// "by someone else" otherwise. Over HTTP an actor of tenant acme could so learn the lifecycle of a
// globex instance and probe globex's user ids, where every other route answers another tenant's id
// as one that does not exist. The answer is now the same whatever the other tenant's instance is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

type Scenario = 'live, same user' | 'live, other user' | 'finished' | 'archived' | 'purged';
const scenarios: Scenario[] = ['live, same user', 'live, other user', 'finished', 'archived', 'purged'];

/** Globex holds instance `id` in the state `scenario` names; acme's li then starts under `id` over HTTP. */
async function acmeStartsOver(scenario: Scenario, id: string) {
  const clock = virtualClock('2026-11-02T09:00:00+08:00');
  const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow] });
  const handler = createHttpHandler({
    engine, workflows: [reviewWorkflow],
    identify: (req) => ({ id: req.headers.get('x-user')!, roles: ['staff', 'admin'], tenant: req.headers.get('x-tenant')! }),
  });
  const globex = engine.forTenant('globex');
  const starter = scenario === 'live, other user' ? 'zhao' : 'li';
  await globex.start('review', { title: 'globex' }, { actor: { id: starter, roles: ['staff'] }, id });
  if (scenario !== 'live, same user' && scenario !== 'live, other user') {
    await globex.terminate(id, { actor: { id: 'root', roles: ['admin'] }, reason: 'done' });
    if (scenario !== 'finished') {
      await globex.retain({ policy: { finishedBefore: Date.parse('2030-01-01') }, mode: 'archive' });
      if (scenario === 'purged') await globex.retain({ policy: { finishedBefore: Date.parse('2030-01-01') }, mode: 'purge' });
    }
  }
  const res = await handler(new Request('http://app/instances', {
    method: 'POST', headers: { 'x-user': 'li', 'x-tenant': 'acme', 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: 'review', input: { title: 'globex' }, id }),
  }));
  const body = await res.json();
  await engine.close();
  return { status: res.status, body };
}

describe('a start under an id another tenant holds says nothing of that instance', () => {
  for (const scenario of scenarios) {
    it(`globex instance ${scenario}: 409 CONFLICT naming "id", without the other instance's lifecycle or starter`, async () => {
      const { status, body } = await acmeStartsOver(scenario, 'HT-1');
      expect(status).toBe(409);
      expect(body).toMatchObject({ code: 'CONFLICT', details: { field: 'id' } });
      expect(body.detail).not.toMatch(/archived|purged|finished|someone else|another input/);
    });
  }

  it('property: the answer is the same whatever the other tenant\'s instance is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scenarios), fc.constantFrom(...scenarios), fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/), async (a, b, id) => {
        expect((await acmeStartsOver(a, id)).body).toEqual((await acmeStartsOver(b, id)).body);
      }),
      { numRuns: 30 },
    );
  });
});
