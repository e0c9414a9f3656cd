// An effect the engine has no handler for is marked dead at once, and `effect.failed` tells the
// host why. That reason came as a plain `Error`, the one error the engine reported without a code:
// a host that routes on `error.code` (an alert for configuration faults, a retry for a handler's own
// failure) could not tell "your createEngine lacks effects.notify" from a handler that threw. It is
// now a DocketError `INVALID_ARGUMENT` naming `effects.<type>`, the option to fix, with the effect's
// instance and id; the record's `lastError` keeps the same message.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, effect, isDocketError, memoryStore, virtualClock, type EffectRecord } from '../src/index.js';
import { goNotifyWorkflow } from './fixtures/go-notify-workflow.js';

const actor = { id: 'li', roles: ['user'] };

/** Run GO on a fresh instance of `workflow` with `effects`, and collect what `effect.failed` reported. */
async function failedAfterGo(workflow: typeof goNotifyWorkflow, effects: Record<string, unknown>, change?: () => void) {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [workflow], effects: effects as never });
  const failed: [EffectRecord, unknown][] = [];
  engine.on('effect.failed', (record, error) => void failed.push([record, error]));
  const id = await engine.start(workflow.id as never, {} as never, { actor });
  change?.();
  await engine.send(id, { type: 'GO' } as never, { actor });
  await engine.settled();
  const records = await engine.effects(id);
  await engine.close();
  return { id, failed, records };
}

describe('an effect with no handler: effect.failed carries a typed error naming the option', () => {
  it('no handler registered for notify: INVALID_ARGUMENT naming effects.notify, the record dead with the same message', async () => {
    const { id, failed, records } = await failedAfterGo(goNotifyWorkflow, {});
    expect(failed).toHaveLength(1);
    const [record, error] = failed[0]!;
    expect(isDocketError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'effects.notify', instanceId: id, effectId: record.id } });
    expect((error as Error).message).toContain('createEngine({ effects: { notify:');
    expect(records[0]).toMatchObject({ status: 'dead', lastError: (error as Error).message });
  });

  it('a handler removed from the effects object after createEngine: the same code, naming effects.notify', async () => {
    const effects: Record<string, unknown> = { notify: () => undefined };
    const { failed } = await failedAfterGo(goNotifyWorkflow, effects, () => {
      effects['notify'] = undefined;
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]![1]).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'effects.notify' } });
    expect((failed[0]![1] as Error).message).toContain('no longer a function');
  });

  it('a handler that throws is still reported with its own error, not wrapped', async () => {
    const own = new Error('mail server down');
    const { failed } = await failedAfterGo(goNotifyWorkflow, { notify: () => { throw own; } });
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]![1]).toBe(own);
  });

  it('property: for any effect type with no handler, effect.failed carries INVALID_ARGUMENT naming effects.<type>', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z][A-Za-z0-9.]{0,20}$/), async (type) => {
        const workflow = defineWorkflow({
          id: 'w',
          version: 1,
          machine: setup({ actions: { [type]: effect() } }).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final', entry: { type } } } } as never) as never,
          input: z.object({}),
          events: { GO: z.object({}) },
        });
        const { failed } = await failedAfterGo(workflow as never, {});
        expect(failed).toHaveLength(1);
        expect(failed[0]![1]).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: `effects.${type}` } });
      }),
      { numRuns: 40 },
    );
  });
});
