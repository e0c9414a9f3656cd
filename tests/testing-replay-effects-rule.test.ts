// replayPaths reads its effects by the engine's one rule for an effects object (effect-handlers.ts):
// own handler functions. Regression: it read own keys only and took the rest without a word, so a
// class's method or an Object.create({ notify }) handler, which createEngine refuses as inherited, was
// simply never run: a replay whose handler would have failed reported every path as passing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcome } from './helpers/refusal-outcome.js';
import { goNotifyWorkflow } from './fixtures/go-notify-workflow.js';
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { replayPaths } from '../src/testing/index.js';

const wf = goNotifyWorkflow;

const boom = () => {
  throw new Error('the handler ran');
};
class Handlers {
  notify() {
    boom();
  }
}

describe('replayPaths takes effects by the engine rule', () => {
  it.each([
    ['a class instance', () => new Handlers()],
    ['Object.create({ notify })', () => Object.create({ notify: boom }) as object],
  ])('%s is refused naming effects.notify (its handler was never run)', async (_, make) => {
    expect(await outcome(() => replayPaths(wf, { input: {}, effects: make() as never }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'effects.notify' });
  });

  it('an own handler is run', async () => {
    const seen: string[] = [];
    await replayPaths(wf, { input: {}, effects: { notify: () => void seen.push('ran') } });
    expect(seen).toContain('ran');
  });

  it('property: replayPaths refuses an effects object, naming the same field, exactly when createEngine does', async () => {
    const handler = fc.constantFrom<unknown>(() => {}, 5, undefined, null, 'fn');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('notify', 'audit', 'toString'), handler, { maxKeys: 3 }), fc.dictionary(fc.constantFrom('notify', 'audit'), handler, { maxKeys: 2 }), async (own, inherited) => {
        const make = () => Object.assign(Object.keys(inherited).length === 0 ? {} : Object.create(inherited), own) as object;
        const engine = await outcome(() => createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [wf], effects: make() as never }).close());
        const replay = await outcome(() => replayPaths(wf, { input: {}, effects: make() as never, maxPaths: 1 }));
        expect(replay).toEqual(engine);
      }),
      { numRuns: 60 },
    );
  });
});
