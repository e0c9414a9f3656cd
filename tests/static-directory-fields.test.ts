// staticDirectory checked a user's id and roles and a stand-in's people and range, but took the other
// fields it reads as given: `active: 'no'` was active (a leaver offered tasks and resolved as an
// approver), a `supervisor: 5` or a blank department was kept, a department key ' ' was nobody's, and a
// stand-in's `workflows: 'contract-approval'` (a string) matched every workflow whose id it contains
// (String.includes: 'contract' too), while a misspelt `workflow` made it cover every workflow. Each is
// INVALID_ARGUMENT naming the field now; a user's other keys stay the caller's own data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeStandIns, isActiveUser, staticDirectory, type StandIn } from '../src/index.js';

const refusal = (f: () => unknown): { code?: string | undefined; field?: unknown } => {
  try {
    f();
  } catch (error) {
    const e = error as { code?: string; details?: { field?: unknown } };
    return { code: e.code, field: e.details?.field };
  }
  return { code: 'ok' };
};
const people = [{ id: 'li', roles: [] }, { id: 'wang', roles: [] }];
const standIn = (extra: Record<string, unknown>) => ({ principal: 'wang', deputy: 'li', from: 0, to: 10, ...extra }) as StandIn;

describe('staticDirectory checks every field it reads', () => {
  it("a user's active, name, department and supervisor", () => {
    const user = (extra: Record<string, unknown>) => () => staticDirectory({ users: [{ id: 'li', roles: [], ...extra } as never] });
    expect(refusal(user({ active: 'no' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].active' });
    expect(refusal(user({ active: 0 }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].active' });
    expect(refusal(user({ name: 5 }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].name' });
    expect(refusal(user({ department: ' ' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].department' });
    expect(refusal(user({ supervisor: 5 }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].supervisor' });
    expect(refusal(user({ supervisor: null, active: false, department: 'sales', name: '李娜' }))).toEqual({ code: 'ok' });
    // A user's own data passes (the inbox example keeps nameEn and a zone on each person).
    expect(staticDirectory({ users: [{ id: 'li', roles: [], nameEn: 'Li Na', zone: 'Asia/Shanghai' } as never] }).user('li')).toMatchObject({ nameEn: 'Li Na' });
  });

  it("a stand-in's workflows is an array of ids; a misspelt key is refused (it covered every workflow)", () => {
    expect(refusal(() => staticDirectory({ users: people, standIns: [standIn({ workflows: 'contract-approval' })] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'standIns[0].workflows' });
    expect(refusal(() => staticDirectory({ users: people, standIns: [standIn({ workflows: [' '] })] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'standIns[0].workflows[0]' });
    expect(refusal(() => staticDirectory({ users: people, standIns: [standIn({ workflow: ['payroll'] })] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'standIns[0].workflow' });
    const directory = staticDirectory({ users: people, standIns: [standIn({ workflows: ['contract-approval'] })] });
    expect([activeStandIns(directory, 5, 'contract').length, activeStandIns(directory, 5, 'contract-approval').length]).toEqual([0, 1]);
  });

  it('a department key is an id, as a user\'s department is', () => {
    expect(refusal(() => staticDirectory({ users: people, departmentHeads: { ' ': 'wang' } }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'departmentHeads. ' });
  });
});

describe('property: a field of the wrong shape is refused naming it; a right one is what the directory answers', () => {
  const notBoolean = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant([]));
  const notId = fc.oneof(fc.constantFrom<unknown>('', ' ', '\t', 5, {}, [], 'x'.repeat(257)), fc.integer());

  it('active: a boolean, read as given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.boolean(), notBoolean), (active) => {
        const r = refusal(() => staticDirectory({ users: [{ id: 'li', roles: [], active } as never] }));
        if (typeof active === 'boolean') expect(isActiveUser(staticDirectory({ users: [{ id: 'li', roles: [], active }] }), 'li')).toBe(active);
        else expect(r).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].active' });
      }),
      { numRuns: 100 },
    );
  });

  it('department and supervisor: ids (supervisor may be null)', () => {
    fc.assert(
      fc.property(fc.constantFrom('department', 'supervisor'), notId, (field, value) => {
        expect(refusal(() => staticDirectory({ users: [{ id: 'li', roles: [], [field]: value } as never] }))).toEqual({ code: 'INVALID_ARGUMENT', field: `users[0].${field}` });
      }),
      { numRuns: 100 },
    );
  });

  it('workflows: the stand-in covers exactly the workflows listed, never one whose id a listed one contains', () => {
    const id = fc.stringMatching(/^[a-z][a-z-]{0,12}$/);
    fc.assert(
      fc.property(fc.oneof(fc.array(id, { maxLength: 3 }), id, notId), id, (workflows, asked) => {
        const build = () => staticDirectory({ users: people, standIns: [standIn({ workflows })] });
        if (!Array.isArray(workflows) || workflows.some((w) => typeof w !== 'string')) {
          expect(refusal(build).code).toBe('INVALID_ARGUMENT');
          expect(String(refusal(build).field)).toMatch(/^standIns\[0\]\.workflows/);
          return;
        }
        expect(activeStandIns(build(), 5, asked).length).toBe(workflows.includes(asked) ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });
});
