// staticDirectory took an org chart it could not answer for: a department head who is not a listed
// user (resolved, then dropped as unknown: NO_APPROVER, the step fell to its whenNobody), a supervisor
// nobody lists (the chain stopped there: 连续多级主管 skipped every level above it), a user who is their
// own supervisor, or supervisors in a cycle (a → b → a). Each is INVALID_ARGUMENT naming the field now
// (`departmentHeads.sales`, `users[3].supervisor`). The chain walk (supervisorChain) still stops at a
// cycle, for a custom directory that has one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusalWithMessage } from './helpers/refusal-outcome.js';
import { staticDirectory, supervisorChain, type Directory, type DirectoryUser } from '../src/index.js';

const person = (id: string, supervisor?: string | null): DirectoryUser => ({ id, roles: [], ...(supervisor === undefined ? {} : { supervisor }) });

describe('staticDirectory refuses a chart it cannot answer for', () => {
  it('a department head who is not a listed user: naming departmentHeads.sales', () => {
    const r = refusalWithMessage(() => staticDirectory({ users: [person('li')], departmentHeads: { sales: 'wang' } }));
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'departmentHeads.sales' });
    expect((r as { message: string }).message).toMatch(/"wang", who is not in users; list them in users/);
  });

  it('a supervisor nobody lists: naming users[3].supervisor', () => {
    const users = [person('a', null), person('b', 'a'), person('c', 'b'), person('d', 'ghost')];
    expect(refusalWithMessage(() => staticDirectory({ users }))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'users[3].supervisor', message: expect.stringMatching(/"ghost", who is not in users/) });
  });

  it('a user who is their own supervisor', () => {
    expect(refusalWithMessage(() => staticDirectory({ users: [person('a', null), person('b', 'b')] }))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'users[1].supervisor', message: expect.stringMatching(/their own supervisor/) });
  });

  it('supervisors in a cycle (a → b → a), named at its first listed member', () => {
    expect(refusalWithMessage(() => staticDirectory({ users: [person('top', null), person('a', 'b'), person('b', 'a')] }))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'users[1].supervisor', message: expect.stringMatching(/cycle \(a → b → a\)/) });
    expect(refusalWithMessage(() => staticDirectory({ users: [person('x', 'a'), person('c', 'a'), person('a', 'b'), person('b', 'c')] }))).toMatchObject({ field: 'users[1].supervisor', message: expect.stringMatching(/c → a → b → c/) });
  });

  it('a chart with heads among the users and a chain to the top is taken (the fixtures keep working)', () => {
    const d = staticDirectory({ users: [person('li', 'wang'), person('wang', 'zhou'), person('zhou', null), person('sun')], departmentHeads: { sales: 'wang' } });
    expect([d.departmentHead('sales'), supervisorChain(d, 'li', 5)]).toEqual(['wang', ['wang', 'zhou']]);
  });

  it("the chain walk stops at a custom directory's cycle", () => {
    const chart: Record<string, string> = { a: 'b', b: 'a' };
    const custom: Directory = { user: (id) => (id in chart ? { id, roles: [], supervisor: chart[id]! } : undefined), usersWithRole: () => [], departmentHead: () => undefined };
    expect(supervisorChain(custom, 'a', 10)).toEqual(['b']);
  });
});

describe('property: a chart is taken exactly when every supervisor and head is listed and no chain loops', () => {
  it('over random charts of up to six people', () => {
    const ids = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.option(fc.constantFrom(...ids, 'ghost'), { nil: null }), { minLength: n, maxLength: n }), fc.option(fc.constantFrom(...ids, 'ghost'), { nil: undefined }))),
        ([n, bosses, head]) => {
          const users = bosses.map((boss, i) => person(ids[i]!, boss));
          const listed = new Set(ids.slice(0, n));
          // The oracle: walk each chain; a step off the list, onto oneself or back onto the walk fails.
          let ok = head === undefined || listed.has(head);
          for (let i = 0; i < n && ok; i++) {
            const seen = new Set<string>();
            for (let at: string | null = ids[i]!; at !== null; at = bosses[ids.indexOf(at)] ?? null) {
              if (!listed.has(at) || seen.has(at)) {
                ok = false;
                break;
              }
              seen.add(at);
            }
          }
          const r = refusalWithMessage(() => staticDirectory({ users, ...(head === undefined ? {} : { departmentHeads: { sales: head } }) }));
          if (ok) {
            expect(r).toBe('accepted');
            // Every chain then reaches the top within n levels.
            const d = staticDirectory({ users });
            for (const id of listed) expect(supervisorChain(d, id, n + 1).length).toBeLessThan(n);
          } else {
            expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', field: expect.stringMatching(/^(users\[\d\]\.supervisor|departmentHeads\.sales)$/) });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
