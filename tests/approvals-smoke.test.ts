import { describe, expect, it } from 'vitest';
import { role, users } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

describe('approval smoke', () => {
  it('runs a 会签 then a sequential step to approval', async () => {
    const wf = approvalFlow([
      { id: 'legal', mode: 'all', approvers: role('legal') },
      { id: 'finance', mode: 'sequential', approvers: users('sun', 'wu') },
    ]);
    const { engine, inbox, statuses } = harness(wf);
    const id = await engine.start('flow', { amount: 5 }, { actor: li });
    expect(await inbox(id)).toEqual(['legal:qian', 'legal:zhao']);
    await engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect(await inbox(id)).toEqual(['finance:sun']);
    await expect(engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    await engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
    expect((await engine.get(id)).state).toBe('approved');
    expect(await statuses(id, 'finance')).toEqual(['sun:approved', 'wu:approved']);
    expect(await inbox(id)).toEqual([]);
  });
});
