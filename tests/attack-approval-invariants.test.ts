import { describe, expect, it } from 'vitest';
import { users } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

describe('approval step invariants: 委托 DELEGATE cannot give one person two votes', () => {
  // FIX BELONGS IN src/approvals/ (being restructured, so left for the lead): DELEGATE sets
  // `assignment.delegate = to` without the at-most-one-open-assignment-per-person check TRANSFER and
  // ADD_SIGNER pass. The invariant in src/approvals/step-invariants.ts must count a task's delegate as
  // holding it (a person holds their own tasks and every task delegated to them), and
  // transferOrDelegate (src/approvals/operations/transfer-or-delegate.ts) must refuse DELEGATE to
  // someone who already holds an open or queued task in the step, with OPERATION_NOT_ALLOWED as for
  // TRANSFER. Today qian approves for herself and for sun, and 票签 { count: 2 } is approved by one person.
  it.fails('票签 { count: 2 } over zhao, qian, sun: sun 委托 to qian (who holds a task) is refused; qian cannot vote twice', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.send(id, { type: 'DELEGATE', to: 'qian' }, { actor: actor('sun') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
  });

});
