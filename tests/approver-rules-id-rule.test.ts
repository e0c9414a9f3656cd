// The people an approver rule resolves are people by the one id rule, with or without a directory:
// each can be found by `tasks({ assignee })`. Regression: isActiveUser took everyone when there was
// no directory, so `users(' ')`, a form field (`field('who')`) or a chosen list (`chosen('who')`)
// holding `' '` or an id of 300 characters made a task for that "person", which every inbox filter
// refuses to look for; `approvalStep` took `users(' ')` without a word.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, chosen, createEngine, field, isActiveUser, memoryStore, users, virtualClock, withApprovals, type ApprovalContext, type ApprovalEvent, type ApproverRule } from '../src/index.js';
import { resolveApprovers } from '../src/approvals/approver-rules.js';
import { checkTaskQuery } from '../src/store/query-rules.js';

function workflow(rule: ApproverRule) {
  const approvals = withApprovals({ deadlines: {} });
  const machine = setup({ types: {} as { context: ApprovalContext & { who?: unknown }; events: ApprovalEvent; input: { who?: unknown } }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
    context: ({ input }) => ({ ...approvals.context(input), who: input.who }),
    initial: 'review',
    states: { review: approvalStep({ id: 'review', mode: 'all', approvers: rule, onApproved: 'done', onRejected: 'done' }), done: { type: 'final' } },
  });
  return approvals.defineWorkflow({ id: 'review', version: 1, machine, input: z.object({ who: z.unknown().optional() }) });
}

async function startWithout(rule: ApproverRule, who: unknown) {
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [workflow(rule)] });
  try {
    const id = await engine.start('review', { who }, { actor: { id: 'li', roles: [] } });
    return { assignees: (await store.tasks({ instanceId: id })).map((t) => t.assignees) };
  } catch (error) {
    return { code: (error as { code?: string }).code };
  } finally {
    await engine.close();
  }
}

describe('an approver rule resolves people by the one id rule, without a directory too', () => {
  it.each([
    ['a blank form field', ' '],
    ['a blank form field in a list', ['\u3000']],
    ['a form field of 300 characters', 'x'.repeat(300)],
  ])('field(): %s is nobody (NO_APPROVER), not an assignee no inbox filter finds', async (_, who) => {
    expect(await startWithout(field('who'), who)).toEqual({ code: 'NO_APPROVER' });
  });

  it('chosen(): a blank choice is refused as unknown (INVALID_PAYLOAD), nothing started', async () => {
    expect(await startWithout(chosen('who'), [' ', 'wang'])).toEqual({ code: 'INVALID_PAYLOAD' });
  });

  it.each([
    // Written as data: the builders refuse these where they are made (see id-rule-invisible.test.ts).
    ['users(\' \')', { kind: 'users', users: [' '] }, 'config.approvers.users[0]'],
    ['a rule list naming \'\\t\'', [users('wang'), { kind: 'users', users: ['zhao', '\t'] }], 'config.approvers[1].users[1]'],
    ['chosen among users of 300 characters', { kind: 'chosen', field: 'who', among: { kind: 'users', users: ['y'.repeat(300)] } }, 'config.approvers.among.users[0]'],
  ] as const)('approvalStep refuses %s, naming its path', (_, rule, path) => {
    expect(() => approvalStep({ id: 'review', mode: 'all', approvers: rule as ApproverRule, onApproved: 'done', onRejected: 'done' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: path }) }),
    );
  });

  it('isActiveUser: an id that breaks the one rule is never active, with or without a directory', () => {
    expect([isActiveUser(undefined, ' '), isActiveUser(undefined, ''), isActiveUser(undefined, 'z'.repeat(257)), isActiveUser(undefined, 'li')]).toEqual([false, false, false, true]);
  });

  it('property: every person a field or chosen rule resolves is one tasks({ assignee }) takes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(' ', '\u3000', '\t', 'li', 'x'.repeat(257))), { maxLength: 5 }), (who) => {
        for (const rule of [field('who'), chosen('who')]) {
          let resolved: ReturnType<typeof resolveApprovers> = [];
          try {
            resolved = resolveApprovers(rule, { directory: undefined, initiator: 'li', context: { who } });
          } catch (error) {
            expect((error as { code?: string }).code).toBe('INVALID_PAYLOAD');
            continue;
          }
          for (const a of resolved) if (a.kind === 'user') expect(() => checkTaskQuery({ assignee: a.user })).not.toThrow();
        }
      }),
    );
  });
});
