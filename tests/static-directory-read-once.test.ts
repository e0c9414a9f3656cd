// staticDirectory reads its data once, into frozen data of its own, and checks every person in it by
// the one id rule. Regression: `user(id)` answered from the users as given while `usersWithRole` and
// `departmentHead` read the caller's arrays and objects again at each call, so a user pushed
// afterwards was a member of a role whom `user(id)` did not know, a role added afterwards skipped the
// id rule, and a department's head could be changed under a running engine; a stand-in's blank
// principal, a user listed twice and a misspelt `standins` were taken without a word; `null` data or
// a `null` user was a raw TypeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError, staticDirectory, type Directory, type DirectoryUser, type StandIn } from '../src/index.js';

type Data = { users: DirectoryUser[]; departmentHeads?: Record<string, string>; standIns?: StandIn[] };

const refusal = (f: () => unknown) => {
  try {
    f();
    return 'accepted';
  } catch (error) {
    return { code: (error as { code?: string }).code, field: (error as { details?: { field?: unknown } }).details?.field };
  }
};

/** What a directory answers, for every id, role and department of `data`. */
function answers(directory: Directory, ids: readonly string[], roles: readonly string[], departments: readonly string[]) {
  return {
    users: ids.map((id) => directory.user(id) ?? null),
    roles: roles.map((role) => directory.usersWithRole(role).map((u) => u.id)),
    heads: departments.map((d) => directory.departmentHead(d) ?? null),
    standIns: directory.standIns?.() ?? [],
  };
}

describe('staticDirectory reads its data once', () => {
  it('a user pushed afterwards is nobody, in every answer (was a role member user() did not know)', () => {
    const data: Data = { users: [{ id: 'li', roles: ['legal'] }] };
    const directory = staticDirectory(data);
    data.users.push({ id: 'wang', roles: ['legal'] });
    expect([directory.usersWithRole('legal').map((u) => u.id), directory.user('wang')]).toEqual([['li'], undefined]);
  });

  it('a role pushed afterwards (a blank one too) changes no answer', () => {
    const data: Data = { users: [{ id: 'li', roles: ['legal'] }] };
    const directory = staticDirectory(data);
    (data.users[0]!.roles as string[]).push(' ', 'finance');
    expect([directory.usersWithRole(' ').length, directory.usersWithRole('finance').length, directory.user('li')?.roles]).toEqual([0, 0, ['legal']]);
  });

  it('a department head changed afterwards changes no answer', () => {
    const data: Data = { users: [{ id: 'li', roles: [] }], departmentHeads: { sales: 'li' } };
    const directory = staticDirectory(data);
    data.departmentHeads!.sales = 'ghost';
    expect(directory.departmentHead('sales')).toBe('li');
  });

  it.each([
    ['null data', null, 'data'],
    ['a null user', { users: [null] }, 'users[0]'],
    ['a stand-in whose principal is blank', { users: [], standIns: [{ principal: ' ', deputy: 'zhao', from: 0, to: 1 }] }, 'standIns[0].principal'],
    ['a stand-in whose deputy is blank', { users: [], standIns: [{ principal: 'wang', deputy: '\u3000', from: 0, to: 1 }] }, 'standIns[0].deputy'],
    ['a user listed twice', { users: [{ id: 'li', roles: ['legal'] }, { id: 'li', roles: [], active: false }] }, 'users[1].id'],
    ['a misspelt standIns', { users: [], standins: [{ principal: 'wang', deputy: 'zhao', from: 0, to: 1 }] }, 'standins'],
  ] as const)('refuses %s: INVALID_ARGUMENT naming the field', (_, data, field) => {
    expect(refusal(() => staticDirectory(data as never))).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('property: whatever the caller changes in its data afterwards, the directory answers as one built from a copy taken before', () => {
    const id = fc.constantFrom('li', 'wang', 'zhao', 'sun');
    const role = fc.constantFrom('legal', 'finance', 'admin');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ id, roles: fc.array(role, { maxLength: 2 }), active: fc.boolean() }), { selector: (u) => u.id, maxLength: 4 }),
        fc.dictionary(fc.constantFrom('sales', 'legal'), id),
        fc.array(fc.oneof(
          fc.record({ kind: fc.constant('push' as const), id, roles: fc.array(role, { maxLength: 2 }) }),
          fc.record({ kind: fc.constant('leave' as const), at: fc.nat(3) }),
          fc.record({ kind: fc.constant('role' as const), at: fc.nat(3), role }),
          fc.record({ kind: fc.constant('head' as const), department: fc.constantFrom('sales', 'legal'), id }),
          fc.record({ kind: fc.constant('standIn' as const), principal: id, deputy: id }),
        ), { maxLength: 5 }),
        (users, given, changes) => {
          // A head is a listed user (staticDirectory refuses any other).
          const heads = Object.fromEntries(Object.entries(given).filter(([, head]) => users.some((u) => u.id === head)));
          const data: Data = { users, departmentHeads: heads, standIns: [] };
          const before = structuredClone(data);
          const directory = staticDirectory(data);
          for (const c of changes) {
            if (c.kind === 'push') data.users.push({ id: c.id, roles: c.roles });
            if (c.kind === 'leave' && data.users[c.at]) (data.users[c.at] as { active?: boolean }).active = false;
            if (c.kind === 'role' && data.users[c.at]) (data.users[c.at]!.roles as string[]).push(c.role);
            if (c.kind === 'head') data.departmentHeads![c.department] = c.id;
            if (c.kind === 'standIn') data.standIns!.push({ principal: c.principal, deputy: c.deputy, from: 0, to: 1 });
          }
          const ids = ['li', 'wang', 'zhao', 'sun'];
          const roles = ['legal', 'finance', 'admin'];
          expect(answers(directory, ids, roles, ['sales', 'legal'])).toEqual(answers(staticDirectory(before), ids, roles, ['sales', 'legal']));
        },
      ),
    );
  });
});

// A fresh breaker's cases: a stand-in's range and a department's head were taken unchecked, so a
// stand-in from 'soon' (or NaN, or ending before it starts)
// was silently never in force, and a head '' or 5 became an assignee no inbox filter lists.
describe('staticDirectory checks what it keeps: stand-in ranges and department heads', () => {
  const users = [{ id: 'a', roles: [] }, { id: 'b', roles: [] }];
  const refusal = (data: unknown) => {
    try {
      staticDirectory(data as never);
      return undefined;
    } catch (error) {
      return isDocketError(error, 'INVALID_ARGUMENT') ? error.details.field : error;
    }
  };
  it.each([
    [{ users, standIns: [{ principal: 'a', deputy: 'b', from: 'soon', to: 10 }] }, 'standIns[0].from'],
    [{ users, standIns: [{ principal: 'a', deputy: 'b', from: Number.NaN, to: 10 }] }, 'standIns[0].from'],
    [{ users, standIns: [{ principal: 'a', deputy: 'b', from: 0, to: null }] }, 'standIns[0].to'],
    [{ users, standIns: [{ principal: 'a', deputy: 'b', from: 10, to: 5 }] }, 'standIns[0].to'],
    [{ users, standIns: [{ principal: 'a', deputy: 'b', from: 0, to: 2 ** 53 }] }, 'standIns[0].to'],
    [{ users, standIns: [{ principal: 'a', deputy: 'b', from: -(2 ** 53), to: 0 }] }, 'standIns[0].from'],
    [{ users, departmentHeads: { d: '' } }, 'departmentHeads.d'],
    [{ users, departmentHeads: { d: 5 } }, 'departmentHeads.d'],
  ])('%j is INVALID_ARGUMENT naming %s', (data, field) => {
    expect(refusal(data)).toBe(field);
  });

  it('property: a stand-in is kept exactly when its range is whole instants with from < to', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.constant('x')), fc.oneof(fc.integer(), fc.double(), fc.constant(null)), fc.constantFrom('a', 'b'), (from, to, deputy) => {
        // Docket's one rule for instants (src/clock/whole-instant.ts): whole epoch ms within ±2^53, so an
        // open-ended stand-in may say `to: Number.MAX_SAFE_INTEGER`; the model said ±8.64e15 and failed
        // whenever the run drew an instant between the two.
        const ok = Number.isSafeInteger(from) && Number.isSafeInteger(to) && (from as number) < (to as number);
        const got = refusal({ users, standIns: [{ principal: 'a', deputy, from, to }] });
        if (ok) expect(got).toBeUndefined();
        else expect(typeof got).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});

describe('staticDirectory: an open-ended stand-in', () => {
  it('takes to: Number.MAX_SAFE_INTEGER (whole ms within ±2^53, the rule for every instant Docket keeps) and applies it at any later time', async () => {
    const { activeStandIns } = await import('../src/index.js');
    const users = [{ id: 'a', roles: [] }, { id: 'b', roles: [] }];
    const directory = staticDirectory({ users, standIns: [{ principal: 'a', deputy: 'b', from: 0, to: Number.MAX_SAFE_INTEGER }] });
    expect(activeStandIns(directory, 8.64e15).map((s) => s.deputy)).toEqual(['b']);
  });
});
