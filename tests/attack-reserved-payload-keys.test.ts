import { assign, setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, createEngine, defineWorkflow, memoryStore, staticDirectory, users, virtualClock, withApprovals, type ApprovalContext, type ApprovalEvent } from '../src/index.js';

// The engine's own event keys (`$actor`, `$at`, `$onBehalfOf`, `$carry`) say who acts and for whom.
// A caller's payload must never supply them, even through a loose schema (z.looseObject /
// .passthrough()) that keeps unknown keys: the engine refuses such a payload before anything reads it.
const clock = () => virtualClock('2026-11-02T09:00:00+08:00');
const zhao = { id: 'zhao', roles: [] };

describe('reserved `$` keys in a payload are refused (INVALID_PAYLOAD), never reach the hook or the machine', () => {
  function recorder() {
    const seenByHook: Record<string, unknown>[] = [];
    const workflow = defineWorkflow({
      id: 'rec',
      version: 1,
      machine: setup({ types: {} as { context: { seen: unknown[] } } }).createMachine({
        id: 'rec',
        context: { seen: [] },
        initial: 'open',
        states: { open: { on: { NOTE: { actions: assign({ seen: ({ context, event }) => [...context.seen, { ...event }] }) } } } },
      }),
      input: z.object({}),
      events: { NOTE: z.looseObject({ text: z.string() }) },
      authorize: ({ event }) => {
        seenByHook.push({ ...event });
        return true;
      },
    });
    return { workflow, seenByHook };
  }

  for (const key of ['$onBehalfOf', '$actor', '$carry', '$at']) {
    it(`${key} sent with NOTE: refused with INVALID_PAYLOAD, by send and can alike; nothing written`, async () => {
      const { workflow, seenByHook } = recorder();
      const engine = createEngine({ store: memoryStore(), clock: clock(), workflows: [workflow] });
      const id = await engine.start('rec', {}, { actor: zhao });
      const before = await engine.history(id);
      const event = { type: 'NOTE', text: 'hi', [key]: key === '$actor' ? { id: 'boss', roles: ['admin'] } : 'qian' } as never;
      await expect(engine.send(id, event, { actor: zhao })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', details: { keys: [key] } });
      expect(await engine.can(id, event, zhao)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
      expect(seenByHook).toEqual([]);
      expect((await engine.get(id)).context).toEqual({ seen: [] });
      expect(await engine.history(id)).toEqual(before);
      // The refusal is audited, naming the reserved key.
      const refused = (await engine.history(id, { includeRefused: true })).filter((e) => e.kind === 'refused');
      expect(refused.map((e) => (e as { code?: string }).code)).toEqual(['INVALID_PAYLOAD']);
      // The same event without the reserved key goes through, and the machine sees the engine's $actor.
      await engine.send(id, { type: 'NOTE', text: 'hi', other: 1 } as never, { actor: zhao });
      expect((await engine.get(id)).context).toMatchObject({ seen: [{ type: 'NOTE', text: 'hi', other: 1, $actor: zhao }] });
      expect(seenByHook).toEqual([{ type: 'NOTE', text: 'hi', other: 1 }]);
    });
  }

  it('an approval event given a loose schema: wu (no task here) cannot approve qian\'s task by naming her in $onBehalfOf', async () => {
    const approvals = withApprovals();
    const machine = setup({
      types: {} as { context: ApprovalContext; events: ApprovalEvent },
      actions: approvals.actions,
      guards: approvals.guards,
      delays: approvals.delays,
    }).createMachine({
      id: 'contract',
      context: ({ input }) => approvals.context(input),
      initial: 'legal',
      states: {
        legal: approvalStep({ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun'), onApproved: 'done', onRejected: 'done' }),
        done: { type: 'final' },
      },
    });
    const workflow = approvals.defineWorkflow({ id: 'contract', version: 1, machine, input: z.object({}), events: { APPROVE: z.looseObject({}) } });
    const directory = staticDirectory({ users: ['li', 'zhao', 'qian', 'sun', 'wu'].map((id) => ({ id, roles: [] })) });
    const engine = createEngine({ store: memoryStore(), clock: clock(), directory, workflows: [workflow] });
    const id = await engine.start('contract', {}, { actor: { id: 'li', roles: [] } });
    await expect(engine.send(id, { type: 'APPROVE', $onBehalfOf: 'qian' } as never, { actor: { id: 'wu', roles: [] } })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(engine.send(id, { type: 'APPROVE' }, { actor: { id: 'wu', roles: [] } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await engine.send(id, { type: 'APPROVE' }, { actor: zhao });
    const step = ((await engine.get(id)).context as ApprovalContext).approvals['legal']!;
    expect(step.assignments.map((a) => `${a.user}:${a.status}`)).toEqual(['zhao:approved', 'qian:pending', 'sun:pending']);
    expect(step.outcome).toBeNull();
  });
});
