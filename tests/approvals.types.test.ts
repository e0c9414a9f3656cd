import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import {
  approvalStep,
  createEngine,
  memoryStore,
  resubmitTo,
  role,
  supervisors,
  virtualClock,
  withApprovals,
  workingDays,
  type ApprovalContext,
  type ApprovalEvent,
  type EventFrom,
  type InstanceView,
} from '../src/index.js';

const approvals = withApprovals({ deadlines: { legalDue: workingDays(2) } });

/** A real approval flow built with the approval plugin: draft → 会签 legal → supervisor chain. */
const machine = setup({
  types: {} as { context: ApprovalContext & { title: string }; events: ApprovalEvent | { type: 'SUBMIT' }; input: { title: string } },
  actions: approvals.actions,
  guards: approvals.guards,
  delays: approvals.delays,
}).createMachine({
  context: ({ input }) => ({ ...approvals.context(input), title: input.title }),
  initial: 'draft',
  states: {
    draft: { on: { SUBMIT: resubmitTo(['legal', 'chain'], 'legal') } },
    legal: approvalStep({
      id: 'legal',
      mode: 'all',
      approvers: role('legal'),
      deadline: { after: 'legalDue', then: { kind: 'escalate', role: 'director' } },
      returns: { submitter: 'draft' },
      resubmit: 'jump',
      onApproved: 'chain',
      onRejected: 'rejected',
    }),
    chain: approvalStep({ id: 'chain', mode: 'sequential', approvers: supervisors(2), onApproved: 'approved', onRejected: 'rejected', returns: { submitter: 'draft' } }),
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});

const contract = approvals.defineWorkflow({
  id: 'contract',
  version: 1,
  machine,
  input: z.object({ title: z.string() }),
  events: { SUBMIT: z.object({}) },
});

describe('approval types', () => {
  it('a flow built with withApprovals type-checks, and wrong events and payloads do not', () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [contract] });
    type E = EventFrom<typeof contract>;
    expectTypeOf<Extract<E, { type: 'ADD_SIGNER' }>['position']>().toEqualTypeOf<'before' | 'after' | 'alongside'>();
    expectTypeOf<Extract<E, { type: 'TRANSFER' }>['to']>().toEqualTypeOf<string>();
    expectTypeOf<E['type']>().toEqualTypeOf<
      'APPROVE' | 'REJECT' | 'REQUEST_CHANGES' | 'RETURN' | 'ADD_SIGNER' | 'REMOVE_SIGNER' | 'TRANSFER' | 'DELEGATE' | 'CLAIM' | 'WITHDRAW' | 'CC' | 'REMIND' | 'SUBMIT'
    >();
    expectTypeOf(engine.send).returns.resolves.toEqualTypeOf<InstanceView>();
    const actor = { id: 'zhao', roles: ['legal'] };
    const typed = async () => {
      await engine.start('contract', { title: 'NDA' }, { actor });
      await engine.send('id', { type: 'APPROVE', comment: 'ok' }, { actor });
      await engine.send('id', { type: 'ADD_SIGNER', users: ['qian'], position: 'after' }, { actor });
      await engine.send('id', { type: 'RETURN', to: 'submitter', comment: 'fix clause 7' }, { actor });
      await engine.sendMany([{ instanceId: 'a', event: { type: 'APPROVE', taskId: 't' } }], { actor });
      // @ts-expect-error misspelt event name
      await engine.send('id', { type: 'APPROV' }, { actor });
      // @ts-expect-error ADD_SIGNER needs a position
      await engine.send('id', { type: 'ADD_SIGNER', users: ['qian'] }, { actor });
      // @ts-expect-error users is a list of ids, not one id
      await engine.send('id', { type: 'CC', users: 'qian' }, { actor });
      // @ts-expect-error REQUEST_CHANGES needs a comment
      await engine.send('id', { type: 'REQUEST_CHANGES' }, { actor });
      // @ts-expect-error position is one of before / after / alongside
      await engine.send('id', { type: 'ADD_SIGNER', users: ['qian'], position: 'behind' }, { actor });
      // @ts-expect-error TRANSFER needs who to transfer to
      await engine.send('id', { type: 'TRANSFER' }, { actor });
    };
    expectTypeOf(typed).toBeFunction();
  });

  it('an approval step refuses a non-approval action name in setup() at compile time', () => {
    const bare = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent } });
    // @ts-expect-error the approval actions and guards must be given to setup()
    bare.createMachine({ context: ({ input }) => approvals.context(input), initial: 'a', states: { a: approvalStep({ id: 'a', mode: 'any', approvers: role('x'), onApproved: 'a', onRejected: 'a' }) } });
    // The same step compiles once the plugin's actions and guards are spread into setup().
    const wired = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent }, actions: approvals.actions, guards: approvals.guards });
    wired.createMachine({ context: ({ input }) => approvals.context(input), initial: 'a', states: { a: approvalStep({ id: 'a', mode: 'any', approvers: role('x'), onApproved: 'a', onRejected: 'a' }) } });
    expectTypeOf(bare).toBeObject();
  });

  it('the plugin supplies the approval pieces: a workflow cannot pass its own inbox, deadlines or raw authorize hook', () => {
    const base = { id: 'c2', version: 1, machine, input: z.object({ title: z.string() }) } as const;
    const define = () => {
      // @ts-expect-error the inbox projection comes from withApprovals({ inbox }), not from the workflow
      approvals.defineWorkflow({ ...base, tasks: () => [] });
      // @ts-expect-error deadlines are named once, in withApprovals({ deadlines })
      approvals.defineWorkflow({ ...base, deadlines: { legalDue: workingDays(2) } });
      // @ts-expect-error the workflow's authorize wraps the approval rules: (args, approvals) => …
      approvals.defineWorkflow({ ...base, authorize: (args: { actor: { id: string } }, approvals: unknown, extra: number) => true });
      approvals.defineWorkflow({ ...base, authorize: (args, rules) => (args.actor.id === 'blocked' ? 'Not you.' : rules(args)) });
    };
    expectTypeOf(define).toBeFunction();
  });
});
