// createEngine({ tenants }) read a map's own keys as its tenants, so a Map (whose entries are no keys),
// a class instance or Object.create({ acme: … }) was taken as a map of no tenants: every tenant ran on
// the engine's calendar and directory (another organisation's people resolved as its approvers), without
// a word. Such a container is INVALID_ARGUMENT now, naming tenants (or the inherited tenant).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, virtualClock } from '../src/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const calendar = businessCalendar({ zone: 'Asia/Shanghai' });
const outcome = (tenants: unknown) => {
  try {
    createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow], tenants: tenants as never });
    return 'accepted';
  } catch (error) {
    return { code: (error as { code?: string }).code, field: (error as { details?: { field?: unknown } }).details?.field };
  }
};
class TenantTable {
  constructor(readonly acme = { calendar }) {}
}

describe('createEngine({ tenants }) is a plain object of tenants', () => {
  it.each([
    ['a Map', new Map([['acme', { calendar }]]), 'tenants'],
    ['Object.create with the tenant inherited', Object.create({ acme: { calendar } }), 'tenants.acme'],
    ['a class instance', new TenantTable(), 'tenants'],
  ])('%s is refused (it was a map of no tenants)', (_name, tenants, field) => {
    expect(outcome(tenants)).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('a plain object, a null-prototype one and a function are taken', () => {
    expect([outcome({ acme: { calendar } }), outcome(Object.assign(Object.create(null), { acme: { calendar } })), outcome(() => ({ calendar }))]).toEqual(['accepted', 'accepted', 'accepted']);
  });
});

describe('property: a container of tenants is taken exactly when its tenants are its own keys', () => {
  it('over plain, null-prototype, Map, inherited and class containers', () => {
    const id = fc.stringMatching(/^[a-z]{1,8}$/).filter((t) => t !== '__proto__' && t !== 'constructor');
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 3 }), fc.constantFrom('plain', 'null', 'map', 'inherited', 'class'), (ids, kind) => {
        const entries = ids.map((t) => [t, { calendar }] as const);
        const plain = Object.fromEntries(entries);
        const tenants =
          kind === 'plain' ? plain
          : kind === 'null' ? Object.assign(Object.create(null), plain)
          : kind === 'map' ? new Map(entries)
          : kind === 'inherited' ? Object.create(plain)
          : Object.assign(new (class Tenants {})(), plain);
        const expected = kind === 'plain' || kind === 'null' ? 'accepted' : { code: 'INVALID_ARGUMENT', field: kind === 'inherited' ? `tenants.${ids[0]}` : 'tenants' };
        expect([kind, outcome(tenants)]).toEqual([kind, expected]);
      }),
      { numRuns: 100 },
    );
  });
});
