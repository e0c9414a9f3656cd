import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const eventArb = fc.oneof(
  fc.record({ type: fc.constantFrom('SUBMIT', 'APPROVE', 'REJECT', 'WITHDRAW', 'APPROV', 'docket.timer.x', 'xstate.after.reviewDeadline.review.reviewing', '') }),
  fc.record({ type: fc.constantFrom('REJECT', 'APPROVE'), comment: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
  fc.record({ type: fc.constantFrom('SUBMIT'), extra: fc.anything() }),
);
const actorArb = fc.record({
  id: fc.constantFrom('li', 'wang', 'eve'),
  roles: fc.subarray(['staff', 'manager', 'admin', 'guest']),
});

describe('engine under random input (property)', () => {
  it('every rejection is a DocketError, and no rejected event changes state or revision', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(eventArb, actorArb), { minLength: 1, maxLength: 25 }), async (acts) => {
        const store = memoryStore();
        const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
        const id = await engine.start('review', { title: 'prop' }, { actor: { id: 'li', roles: ['staff'] } });
        for (const [event, actor] of acts) {
          const before = await store.load(id);
          const historyBefore = (await store.history(id)).length;
          try {
            const after = await engine.send(id, event as never, { actor });
            expect(after.revision).toBe(before!.revision + 1);
          } catch (error) {
            expect(isDocketError(error)).toBe(true);
            const now = await store.load(id);
            expect(now).toBe(before);
            expect((await store.history(id)).length).toBe(historyBefore);
          }
        }
        expect((await engine.verify(id)).ok).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
