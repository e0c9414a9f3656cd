// A tenant id in createEngine({ tenants }) is an id by the one rule, as forTenant, start's tenant and
// an actor's tenant take it. Regression: a blank key (' ', '\u3000') or one of 300 characters was
// taken without a word, a configuration no tenant could ever reach (forTenant(' ') is refused), so a
// deployment's tenant calendar silently never applied.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, virtualClock } from '../src/index.js';
import { isId } from '../src/store/id-rule.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const calendar = businessCalendar({ zone: 'Asia/Shanghai' });
const outcome = (tenant: string) => {
  try {
    createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow], tenants: { [tenant]: { calendar } } });
    return 'accepted';
  } catch (error) {
    return { code: (error as { code?: string }).code, field: (error as { details?: { field?: unknown } }).details?.field };
  }
};

describe('createEngine({ tenants }): each tenant id by the one id rule', () => {
  it.each([[' '], ['\u3000'], ['t'.repeat(300)]])('refuses the tenant id %j, naming it (was a configuration no tenant could reach)', (tenant) => {
    expect(outcome(tenant)).toEqual({ code: 'INVALID_ARGUMENT', field: `tenants.${tenant}` });
  });

  it('property: a tenants map key is taken exactly when forTenant takes it', () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(' ', '\t', '\u3000', 'acme', 'x'.repeat(257))).filter((t) => t !== '__proto__'), (tenant) => {
        let viewTaken = true;
        try {
          engine.forTenant(tenant);
        } catch {
          viewTaken = false;
        }
        expect({ tenant, taken: outcome(tenant) === 'accepted' }).toEqual({ tenant, taken: viewTaken });
        expect(viewTaken).toBe(isId(tenant));
      }),
    );
  });
});
