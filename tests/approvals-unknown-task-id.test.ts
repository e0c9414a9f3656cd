// Regression (brk23): an approval act naming a task id that no open step holds (mistyped, closed, of
// another instance) was refused with "No open approval step takes "CLAIM" right now; check
// engine.tasks() or engine.get(id).state", while the step was open: the reader looked at the state,
// not at the id. It is EVENT_NOT_ACCEPTED naming the task id (details.field 'taskId') now, changing
// nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, createEngine, isDocketError, memoryStore, role, staticDirectory, virtualClock, withApprovals, type ApprovalContext, type ApprovalEvent } from '../src/index.js';

function desk() {
  const approvals = withApprovals({ deadlines: {} });
  const workflow = approvals.defineWorkflow({
    id: 'desk',
    version: 1,
    machine: setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent }, actions: approvals.actions, guards: approvals.guards }).createMachine({
      context: ({ input }) => approvals.context(input),
      initial: 'legal',
      states: { legal: approvalStep({ id: 'legal', mode: 'any', approvers: role('legal', { claim: true }), onApproved: 'done', onRejected: 'done' }), done: { type: 'final' } },
    }),
    input: z.object({}),
  });
  const directory = staticDirectory({ users: [{ id: 'li', roles: ['staff'] }, { id: 'qian', roles: ['legal'] }] });
  return createEngine({ store: memoryStore(), clock: virtualClock(0), directory, workflows: [workflow], effects: { 'approval.assigned': () => {} } });
}
const qian = { id: 'qian', roles: ['legal'] };

async function refused(run: () => Promise<unknown>) {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return { code: error.code, field: error.details.field, message: error.message };
  }
}

describe('an approval act naming a task no open step holds', () => {
  it('CLAIM with a mistyped task id names the task id, not a closed step; nothing changes', async () => {
    const engine = desk();
    const id = await engine.start('desk', {}, { actor: { id: 'li', roles: ['staff'] } });
    const before = await engine.get(id);
    const out = await refused(() => engine.send(id, { type: 'CLAIM', taskId: 'nope' } as never, { actor: qian }));
    expect(out).toMatchObject({ code: 'EVENT_NOT_ACCEPTED', field: 'taskId' });
    expect((out as { message: string }).message).toContain('"nope"');
    expect((out as { message: string }).message).toContain('engine.tasks()');
    expect((out as { message: string }).message).not.toContain('No open approval step takes');
    expect((await engine.get(id)).revision).toBe(before.revision);
  });

  it('property: any task id the open step does not hold is refused naming taskId', async () => {
    const engine = desk();
    const id = await engine.start('desk', {}, { actor: { id: 'li', roles: ['staff'] } });
    const [task] = await engine.tasks({ role: 'legal' });
    const before = await engine.get(id);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }).filter((t) => t !== task!.id && !t.includes('\u0000')), fc.constantFrom('CLAIM', 'APPROVE', 'REJECT'), async (taskId, type) => {
        const out = await refused(() => engine.send(id, { type, taskId } as never, { actor: qian }));
        expect(out).toMatchObject({ code: 'EVENT_NOT_ACCEPTED', field: 'taskId' });
      }),
      { numRuns: 50 },
    );
    expect((await engine.get(id)).revision).toBe(before.revision);
  });
});
