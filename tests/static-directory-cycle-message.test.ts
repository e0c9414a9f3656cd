// staticDirectory's refusal of supervisors in a cycle named every person in it: a chart whose 100,000
// people report round in one cycle (a data-import bug: each person's supervisor shifted by one) made
// an INVALID_ARGUMENT whose message was 889,000 characters long, written whole into logs, HTTP
// answers and the CLI. It names at most eight now, then how many people the cycle holds; a short
// cycle is named in full as before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusalWithMessage } from './helpers/refusal-outcome.js';
import { staticDirectory, type DirectoryUser } from '../src/index.js';


/** `top` at the head, then `n` people each reporting to the next, the last to the first. */
function chartWithCycle(n: number, name = (i: number) => `u${i}`): DirectoryUser[] {
  return [{ id: 'top', roles: [], supervisor: null }, ...Array.from({ length: n }, (_, i) => ({ id: name(i), roles: [], supervisor: name((i + 1) % n) }))];
}

describe('a supervisor cycle is named briefly, however long', () => {
  it('100,000 people in one cycle: the first eight, then the count (the message was 889,000 characters)', () => {
    const r = refusalWithMessage(() => staticDirectory({ users: chartWithCycle(100_000) }));
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'users[1].supervisor' });
    const { message } = r as { message: string };
    expect(message.length).toBeLessThan(500);
    expect(message).toContain('cycle (u0 → u1 → u2 → u3 → u4 → u5 → u6 → u7 → … (100000 people) → u0); someone in it reports to no one in it');
  });

  it('a cycle of eight or fewer is named in full', () => {
    expect(refusalWithMessage(() => staticDirectory({ users: chartWithCycle(3) }))).toMatchObject({ message: expect.stringContaining('cycle (u0 → u1 → u2 → u0)') });
    expect(refusalWithMessage(() => staticDirectory({ users: chartWithCycle(8) }))).toMatchObject({ message: expect.stringContaining('u6 → u7 → u0)') });
  });
});

describe('property: a cycle refusal is bounded, names its first member and counts a long cycle', () => {
  it('over cycle lengths and id lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3_000 }), fc.integer({ min: 1, max: 256 }), (n, width) => {
        const name = (i: number) => `${i}`.padStart(width, 'x').slice(-Math.max(width, `${i}`.length));
        const r = refusalWithMessage(() => staticDirectory({ users: chartWithCycle(n, name) }));
        expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'users[1].supervisor' });
        const { message } = r as { message: string };
        // At most nine names (eight and the first again) of at most `width` characters each, and words.
        expect(message.length).toBeLessThan(9 * (Math.max(width, 4) + 3) + 300);
        if (n > 8) expect(message).toContain(`… (${n} people) → ${name(0)})`);
        else expect(message).toContain(`→ ${name(0)})`);
      }),
      { numRuns: 50 },
    );
  });
});
