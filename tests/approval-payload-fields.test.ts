import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { legalStepMachine } from './helpers/legal-step.js';
import { createEngine, isDocketError, memoryStore, staticDirectory, virtualClock } from '../src/index.js';

// Every approval operation's payload is closed (defineOperation makes its schema strict): a field the
// operation does not take is INVALID_PAYLOAD whose issue names it, and nothing is recorded. zod's
// default strips unknown keys, so `{ type: 'APPROVE', commnet: 'clause 7 is open' }` was accepted as
// an approval without its comment: the reviewer's words were lost from the audit record.

const { approvals, machine } = legalStepMachine();
const wf = approvals.defineWorkflow({ id: 'c', version: 1, machine, input: z.object({}) });
const directory = staticDirectory({ users: [{ id: 'li', roles: ['staff'] }, { id: 'zhao', roles: ['legal'] }, { id: 'qian', roles: ['legal'] }, { id: 'sun', roles: ['finance'] }] });
const as = (id: string) => ({ id, roles: [] as string[] });

async function fixture() {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), directory, workflows: [wf], effects: { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {} } });
  const id = await engine.start('c', {}, { actor: as('li') });
  return { engine, id };
}

/** A payload each operation's schema accepts (every operation must be here: a new one fails the test below). */
const valid: Record<string, Record<string, unknown>> = {
  APPROVE: {}, REJECT: {}, REQUEST_CHANGES: { comment: 'c' }, RETURN: { comment: 'c' }, ADD_SIGNER: { users: ['sun'], position: 'after' },
  REMOVE_SIGNER: { user: 'qian' }, TRANSFER: { to: 'sun' }, DELEGATE: { to: 'sun' }, CLAIM: {}, WITHDRAW: {}, CC: { users: ['sun'] }, REMIND: {},
};

async function refusal(run: Promise<unknown>) {
  try {
    await run;
  } catch (error) {
    if (isDocketError(error)) return { code: error.code, paths: (error.details.issues ?? []).map((i) => i.path.join('.')) };
    throw error;
  }
  return undefined;
}

describe('an approval operation refuses a field it does not take', () => {
  it('APPROVE with a misspelt comment is refused naming "commnet", and no approval is recorded (it was accepted, the comment dropped)', async () => {
    const { engine, id } = await fixture();
    const r = await refusal(engine.send(id, { type: 'APPROVE', commnet: 'clause 7 is open' } as never, { actor: as('zhao') }));
    expect(r).toEqual({ code: 'INVALID_PAYLOAD', paths: ['commnet'] });
    expect((await engine.get(id)).revision).toBe(1);
    expect((await engine.history(id)).map((h) => h.event.type)).toEqual(['docket.start']);
  });

  it('CC with "user" for "users" names both: the missing field and the unknown one', async () => {
    const { engine, id } = await fixture();
    const r = await refusal(engine.send(id, { type: 'CC', user: 'sun' } as never, { actor: as('li') }));
    expect(r?.code).toBe('INVALID_PAYLOAD');
    expect(r?.paths.sort()).toEqual(['user', 'users']);
    expect((await engine.get(id)).revision).toBe(1);
  });

  it('the valid payloads cover every operation, and each is still accepted by its schema', () => {
    expect(Object.keys(valid).sort()).toEqual(Object.keys(wf.events).sort());
    for (const [type, payload] of Object.entries(valid)) expect([type, (wf.events as Record<string, z.ZodType>)[type]!.safeParse(payload).success]).toEqual([type, true]);
  });

  it('property: any operation, any field it does not take → INVALID_PAYLOAD naming that field, instance unchanged', async () => {
    const { engine, id } = await fixture();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(valid)), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.jsonValue(), async (type, key, value) => {
        const shape = (wf.events as Record<string, z.ZodObject>)[type]!.shape;
        fc.pre(!(key in shape) && !key.startsWith('$') && key !== 'type' && key !== '__proto__');
        const r = await refusal(engine.send(id, { type, ...valid[type], [key]: value } as never, { actor: as('zhao') }));
        expect(r).toEqual({ code: 'INVALID_PAYLOAD', paths: [key] });
      }),
      { numRuns: 150 },
    );
    expect((await engine.get(id)).revision).toBe(1);
  });
});
