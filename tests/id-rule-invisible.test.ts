// The one id rule (src/store/id-rule.ts) took blank to mean whitespace only (`value.trim() === ''`),
// so an id made only of invisible characters passed every door: `role('\u200b')`, a step asking
// `users('\u2060')`, a directory user '\uFEFF' or a tenant '\u180E' made roles, approvers and tenants
// every list, inbox and message showed as empty, two of them looking alike while being different.
// And `createEngine({ workerId: ' ' })` was taken: workerId was still read by the older rule (any
// non-empty string) that roles, tenants and actors had left. Both are refused now, INVALID_ARGUMENT
// naming the field; a read by an id already stored keeps the looser rule, so old data stays reachable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusal } from './helpers/refusal-outcome.js';
import { approvalStep, createEngine, memoryStore, role, staticDirectory, users, virtualClock } from '../src/index.js';
import { idRuleProblem, isBlankId } from '../src/store/id-rule.js';
import { assertId } from '../src/engine/validate-input.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

const INVISIBLE = ['\u200b', '\ufeff', '\u2060', '\u180e', '\u200b\u200c\u200d', ' \u200b ', '\u2060\u3000'] as const;


const engineWith = (workerId: unknown) => () => createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [], workerId: workerId as string });

describe('createEngine({ workerId }) is an id by the one rule', () => {
  it.each([' ', '\t', '\u3000', ...INVISIBLE])('workerId %j is INVALID_ARGUMENT naming workerId (it was taken)', (workerId) => {
    expect(refusal(engineWith(workerId))).toEqual({ code: 'INVALID_ARGUMENT', field: 'workerId' });
  });

  it('a readable workerId is taken, and the message says what an id is', () => {
    expect(refusal(engineWith('web-1'))).toBe('accepted');
    expect(engineWith('\u200b')).toThrow(/workerId is blank: only invisible characters \(U\+200B\).*at least one visible character/);
  });
});

describe('an id made only of invisible characters is blank', () => {
  it.each(INVISIBLE)('role(%j) is INVALID_ARGUMENT naming name', (id) => {
    expect(refusal(() => role(id))).toEqual({ code: 'INVALID_ARGUMENT', field: 'name' });
  });

  it.each(INVISIBLE)('users(%j) is INVALID_ARGUMENT naming users[0], where made and where a step takes it', (id) => {
    expect(refusal(() => users('zhao', id))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[1]' });
    const asData = { kind: 'users', users: [id] } as never;
    expect(refusal(() => approvalStep({ id: 'legal', mode: 'all', approvers: asData, onApproved: 'done', onRejected: 'done' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.users[0]' });
  });

  it.each(INVISIBLE)('a directory user or role %j is INVALID_ARGUMENT naming it', (id) => {
    expect(refusal(() => staticDirectory({ users: [{ id, roles: [] }] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].id' });
    expect(refusal(() => staticDirectory({ users: [{ id: 'li', roles: [id] }] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].roles[0]' });
  });

  it('start with a tenant or an id of invisible characters is refused, nothing written', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock('2026-10-12T09:00:00+08:00'), workflows: [reviewWorkflow] });
    await expect(engine.start('review', { title: 'x' }, { actor: staff, tenant: '\u2060' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'tenant' } });
    await expect(engine.start('review', { title: 'x' }, { actor: staff, id: '\ufeff' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'id' } });
    await expect(engine.start('review', { title: 'x' }, { actor: { id: '\u200b', roles: [] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'actor.id' } });
    expect((await store.list({ limit: 10 })).items).toEqual([]);
    await engine.close();
  });

  it('a read by an id already stored keeps the looser rule (old data stays reachable)', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [reviewWorkflow] });
    // Not INVALID_ARGUMENT: the id is looked for, and no instance has it.
    await expect(engine.get('\u200b')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    await engine.close();
  });

  it('an id with a visible character among invisible ones is still an id', () => {
    expect(refusal(() => role('\u200blegal'))).toBe('accepted');
    expect(refusal(() => users('zh\u200bao'))).toBe('accepted');
  });
});

// What shows as nothing: whitespace, format characters (Cf), default-ignorable code points.
const invisibleChar = fc.constantFrom(' ', '\t', '\n', '\u3000', '\u00a0', '\u200b', '\u200c', '\u200d', '\u200e', '\u2060', '\u2061', '\ufeff', '\u180e', '\u00ad', '\u034f', '\u3164', '\ufe0f', '\u2028');
const visibleChar = fc.constantFrom('a', 'Z', '7', '-', '李', '_', '.', 'é');

describe('property: blank is exactly "no visible character", at every door, and a stored id stays readable', () => {
  it('over strings of invisible characters with or without one visible character', () => {
    fc.assert(
      fc.property(fc.array(invisibleChar, { minLength: 1, maxLength: 12 }), fc.option(fc.tuple(visibleChar, fc.nat(12)), { nil: undefined }), (chars, visible) => {
        const list: string[] = [...chars];
        if (visible !== undefined) list.splice(visible[1] % (list.length + 1), 0, visible[0]);
        const id = list.join('');
        const blank = visible === undefined;
        expect(isBlankId(id)).toBe(blank);
        expect(idRuleProblem(id) !== undefined).toBe(blank);
        const expected = (field: string) => (blank ? { code: 'INVALID_ARGUMENT', field } : 'accepted');
        expect(refusal(() => role(id))).toEqual(expected('name'));
        expect(refusal(() => users(id))).toEqual(expected('users[0]'));
        expect(refusal(engineWith(id))).toEqual(expected('workerId'));
        expect(refusal(() => staticDirectory({ users: [{ id, roles: [] }] }))).toEqual(expected('users[0].id'));
        // The old-data guard: a read by an existing id takes any non-empty one.
        expect(refusal(() => assertId(id, 'The instance id', {}, 'instanceId'))).toBe('accepted');
      }),
      { numRuns: 200 },
    );
  });
});
