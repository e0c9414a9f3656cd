// A caller is never told "not written" for a write that was: an `engine.on(...)` listener that threw
// made start/send/admin calls reject with the listener's raw Error after their commit was durable (a
// retry then acted twice, or started a second instance), turned a refusal's FORBIDDEN into that raw
// error, and made a fired timer's delivery count as failed (advanceBy reported nothing fired).
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { admin, manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = '2026-11-02T09:00:00+08:00';

describe('engine event listeners cannot fail the act that emitted the event', () => {
  for (const style of ['throws', 'rejects'] as const) {
    it(`a listener that ${style} leaves every call's result as it was, and its error goes to 'error'`, async () => {
      const clock = virtualClock(START);
      const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow] });
      const errors: string[] = [];
      engine.on('error', (e) => errors.push((e as Error).message));
      for (const event of ['started', 'transition', 'refused', 'warning'] as const) {
        engine.on(event, () => {
          if (style === 'throws') throw new Error(`listener ${event}`);
          return Promise.reject(new Error(`listener ${event}`)) as never;
        });
      }
      const id = await engine.start('review', { title: 'x' }, { actor: staff });
      expect((await engine.list()).items.map((i) => i.id)).toEqual([id]);
      expect((await engine.send(id, { type: 'SUBMIT' }, { actor: staff })).revision).toBe(2);
      const refused = await engine.send(id, { type: 'APPROVE' }, { actor: staff }).catch((e: unknown) => e);
      expect(isDocketError(refused, 'FORBIDDEN')).toBe(true);
      expect((await engine.suspend(id, { actor: admin, reason: 'hold' })).suspended).toBe(true);
      expect((await engine.resume(id, { actor: admin, reason: 'go' })).revision).toBe(4);
      const [batch] = await engine.sendMany([{ instanceId: id, event: { type: 'REJECT', comment: 'again' } }], { actor: manager });
      expect(batch).toMatchObject({ ok: true, view: { revision: 5, state: 'draft' } });
      await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
      // The deadline fires once and is reported as fired; the instance is not suspended for it.
      const fired = await clock.advanceBy({ days: 4 });
      expect(fired.map((f) => f.instanceId)).toEqual([id]);
      const view = await engine.get(id);
      expect([view.state, view.revision, view.suspended]).toEqual(['escalated', 7, false]);
      await engine.settled();
      expect(errors).toContain('listener started');
      expect(errors).toContain('listener transition');
      expect(errors).toContain('listener refused');
      await engine.close();
    });
  }
});
