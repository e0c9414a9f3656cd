import type { BusinessCalendar } from '../calendar/index.js';
import { DocketError } from '../errors.js';
import type { Directory } from '../organisation/directory.js';

/** One tenant's own business calendar and directory; what it leaves out falls back to the engine's. */
export interface TenantConfig {
  readonly calendar?: BusinessCalendar;
  readonly directory?: Directory;
}

/**
 * Per-tenant configuration for `createEngine({ tenants })`: a map by tenant id, or a function that
 * resolves a tenant id (called whenever a transition of that tenant's instance is computed; cache
 * inside it if building a calendar is costly). Unlisted tenants use the engine's calendar and directory.
 */
export type TenantsOption = Readonly<Record<string, TenantConfig>> | ((tenant: string) => TenantConfig | undefined);

const EMPTY_DIRECTORY: Directory = Object.freeze({
  user: () => undefined,
  usersWithRole: () => [],
  departmentHead: () => undefined,
});

/**
 * Routes the calendar and directory a workflow sees to the tenant of the instance whose transition is
 * being computed (internal). The engine sets `tenant` before each transition, the way it sets the
 * registry's `now`; the workflows hold the routing stand-ins, which forward every call.
 */
export class TenantRouting {
  /** The tenant of the transition being computed (undefined: no tenant). */
  tenant: string | undefined;
  readonly calendar: BusinessCalendar | undefined;
  readonly directory: Directory | undefined;

  constructor(
    private readonly defaults: { readonly calendar?: BusinessCalendar | undefined; readonly directory?: Directory | undefined },
    private readonly tenants: TenantsOption | undefined,
  ) {
    if (tenants === undefined) {
      this.calendar = defaults.calendar;
      this.directory = defaults.directory;
      return;
    }
    if (typeof tenants !== 'function' && (tenants === null || typeof tenants !== 'object')) {
      throw new DocketError('INVALID_ARGUMENT', 'createEngine({ tenants }) must be an object of { calendar?, directory? } by tenant id, or a function of the tenant id.');
    }
    this.calendar = forward(() => {
      const calendar = this.configOf(this.tenant).calendar;
      if (!calendar) {
        throw new DocketError(
          'INVALID_DEADLINE_RULE',
          `Tenant ${JSON.stringify(this.tenant ?? null)} has no business calendar and the engine has none: give it one in createEngine({ tenants }) or pass createEngine({ calendar }).`,
        );
      }
      return calendar;
    });
    this.directory = forward(() => this.configOf(this.tenant).directory ?? EMPTY_DIRECTORY);
    ROUTINGS.set(this.calendar, this);
    ROUTINGS.set(this.directory, this);
  }

  /** The calendar and directory of a tenant (the engine's where the tenant gives none). */
  configOf(tenant: string | undefined): { readonly calendar?: BusinessCalendar | undefined; readonly directory?: Directory | undefined } {
    if (tenant === undefined || this.tenants === undefined) return this.defaults;
    const own = typeof this.tenants === 'function' ? this.tenants(tenant) : Object.hasOwn(this.tenants, tenant) ? this.tenants[tenant] : undefined;
    return { calendar: own?.calendar ?? this.defaults.calendar, directory: own?.directory ?? this.defaults.directory };
  }
}

/** The routing behind each stand-in, so code holding only the stand-ins can ask for one tenant's own. */
const ROUTINGS = new WeakMap<object, TenantRouting>();

/**
 * The calendar and directory of `tenant` (the engine's where the tenant gives none), from the
 * routed stand-ins the workflows hold (`registry.calendar` / `registry.directory`), without changing
 * the tenant of the transition being computed. For work done outside a transition: re-resolving a
 * tenant's deadlines, the stand-ins (代理) of a tenant's inbox.
 */
export function configForTenant(
  routed: { readonly calendar: BusinessCalendar | undefined; readonly directory: Directory | undefined },
  tenant: string | undefined,
): { readonly calendar?: BusinessCalendar | undefined; readonly directory?: Directory | undefined } {
  const routing = (routed.calendar && ROUTINGS.get(routed.calendar)) || (routed.directory && ROUTINGS.get(routed.directory));
  return routing ? routing.configOf(tenant) : routed;
}

/** Whether the engine was given per-tenant configuration (`createEngine({ tenants })`). */
export function hasTenantConfig(routed: { readonly calendar: BusinessCalendar | undefined; readonly directory: Directory | undefined }): boolean {
  return Boolean((routed.calendar && ROUTINGS.has(routed.calendar)) || (routed.directory && ROUTINGS.has(routed.directory)));
}

/** An object whose every property is read, at call time, from `target()` (methods bound to it). */
function forward<T extends object>(target: () => T): T {
  return new Proxy({} as T, {
    get(_, prop) {
      const t = target();
      const value = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
    has: (_, prop) => Reflect.has(target(), prop),
  });
}
