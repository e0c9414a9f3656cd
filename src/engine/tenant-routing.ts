import type { BusinessCalendar } from '../calendar/index.js';
import { checkCalendar } from '../calendar/business-calendar.js';
import { DocketError } from '../errors.js';
import { checkDirectory, type Directory } from '../organisation/directory.js';
import { isOptionsObject, readOptions } from '../input/read-options.js';
import { checkNewId } from '../store/id-rule.js';

/** One tenant's own business calendar and directory; what it leaves out falls back to the engine's. */
export interface TenantConfig {
  readonly calendar?: BusinessCalendar;
  readonly directory?: Directory;
}

/**
 * Per-tenant configuration for `createEngine({ tenants })`: a plain object by tenant id (its own keys;
 * not a Map: `Object.fromEntries(map)`), or a function that
 * resolves a tenant id (called whenever a transition of that tenant's instance is computed; cache
 * inside it if building a calendar is costly). Unlisted tenants use the engine's calendar and directory.
 */
export type TenantsOption = Readonly<Record<string, TenantConfig>> | ((tenant: string) => TenantConfig | undefined);

const EMPTY_DIRECTORY: Directory = Object.freeze({
  user: () => undefined,
  usersWithRole: () => [],
  departmentHead: () => undefined,
});

/** The calendar and directory workflow code sees for one instance. */
export interface TenantEnv {
  readonly calendar: BusinessCalendar | undefined;
  readonly directory: Directory | undefined;
}

/**
 * Chooses the calendar and directory a workflow sees by the tenant of the instance an act is for
 * (internal). Nothing here is mutable: the commit pipeline passes each act's tenant (the record's,
 * or the one `start` was given) into the step it computes and into the env of the hooks it calls.
 */
export class TenantRouting {
  /** The engine's own calendar and directory (used as they are when no tenants are configured). */
  readonly defaults: TenantEnv;
  private readonly tenants: ((tenant: string) => TenantConfig | undefined) | ReadonlyMap<string, TenantConfig> | undefined;

  /**
   * @throws DocketError `INVALID_ARGUMENT` (`details.field`: `tenants`, or `tenants.<id>.<key>`) for
   * `tenants` that is neither a plain object (a Map, a class instance, `Object.create(...)`: its
   * tenants would not be its own keys) nor a function, or a tenant's entry that is not an object of
   * `calendar` and `directory` (a misspelt `calender` is refused, not left to the engine's calendar);
   * and (`calendar`, `directory`, `tenants.<id>.calendar`, `tenants.<id>.directory`) for a calendar or
   * directory that is not one (see `checkCalendar`, `checkDirectory`).
   */
  constructor(defaults: { readonly calendar?: BusinessCalendar | undefined; readonly directory?: Directory | undefined }, tenants: TenantsOption | undefined) {
    // The engine's own calendar and directory are checked here, where every tenant's are too.
    checkCalendar(defaults.calendar, 'calendar', 'createEngine()');
    checkDirectory(defaults.directory, 'directory', 'createEngine()');
    this.defaults = { calendar: defaults.calendar, directory: defaults.directory };
    if (tenants !== undefined && typeof tenants !== 'function' && !isOptionsObject(tenants)) {
      throw new DocketError('INVALID_ARGUMENT', 'createEngine({ tenants }) must be an object of { calendar?, directory? } by tenant id, or a function of the tenant id.', { field: 'tenants' });
    }
    // A map of tenants is read once, here, as the engine's other options are: read at every act, a
    // tenant added to the caller's object afterwards (or its calendar replaced) changed the deadlines
    // of an engine already running, and `{ acme: { calender } }` silently gave acme the engine's calendar.
    this.tenants = tenants === undefined || typeof tenants === 'function' ? tenants : readTenants(tenants);
  }

  // The env of each tenant seen so far (stand-ins that read its configuration at every call).
  private readonly envs = new Map<string | undefined, TenantEnv>();

  /**
   * The env of hooks run for an instance of `tenant` (`authorize`, `tasks`, `engine.can`): see
   * {@link envFor}. The same object for the same tenant.
   */
  envOf(tenant: string | undefined): TenantEnv {
    if (this.tenants === undefined) return this.defaults;
    let env = this.envs.get(tenant);
    if (!env) this.envs.set(tenant, (env = this.envFor(() => tenant)));
    return env;
  }

  /** Whether calendars and directories differ by tenant at all. */
  get routed(): boolean {
    return this.tenants !== undefined;
  }

  /** The calendar and directory of a tenant (the engine's where the tenant gives none). */
  configOf(tenant: string | undefined): TenantEnv {
    if (tenant === undefined || this.tenants === undefined) return this.defaults;
    const own = typeof this.tenants === 'function' ? this.resolved(tenant, this.tenants) : this.tenants.get(tenant);
    return { calendar: own?.calendar ?? this.defaults.calendar, directory: own?.directory ?? this.defaults.directory };
  }

  // What the resolver returned, each object checked once (a resolver that caches returns the same one).
  private readonly checked = new WeakMap<object, TenantConfig>();

  /**
   * The resolver's answer for `tenant`, checked as a map's entry is at creation: `{ calendar: 5 }`
   * failed the tenant's act with "Reflect.get called on non-object" (MACHINE_ERROR); now the act is
   * refused with `INVALID_ARGUMENT` naming `tenants.<id>.calendar`, nothing written.
   */
  private resolved(tenant: string, resolve: (tenant: string) => TenantConfig | undefined): TenantConfig | undefined {
    const given: unknown = resolve(tenant);
    if (given === undefined) return undefined;
    const known = typeof given === 'object' && given !== null ? this.checked.get(given) : undefined;
    if (known) return known;
    const config = readOptions(given, { keys: ['calendar', 'directory'], what: `createEngine({ tenants }): the resolver's answer for tenant ${JSON.stringify(tenant)}`, usage: '{ calendar?, directory? } or undefined', path: `tenants.${tenant}` }) as TenantConfig;
    checkCalendar(config.calendar, `tenants.${tenant}.calendar`, 'createEngine({ tenants })');
    checkDirectory(config.directory, `tenants.${tenant}.directory`, 'createEngine({ tenants })');
    this.checked.set(given as object, config);
    return config;
  }

  /**
   * The env of an act for `tenant()`'s instance: without tenants configured, the engine's own
   * calendar and directory; with them, stand-ins that read the tenant's at every call (a calendar
   * missing for the tenant is INVALID_DEADLINE_RULE when used; a missing directory knows nobody).
   * `tenant` is read per call, so one env given to a workflow's implementations serves every
   * instance: it reads the tenant of the step being computed.
   */
  envFor(tenant: () => string | undefined): TenantEnv {
    if (this.tenants === undefined) return this.defaults;
    return {
      calendar: forward(() => {
        const t = tenant();
        const calendar = this.configOf(t).calendar;
        if (!calendar) {
          throw new DocketError(
            'INVALID_DEADLINE_RULE',
            `Tenant ${JSON.stringify(t ?? null)} has no business calendar and the engine has none: give it one in createEngine({ tenants }) or pass createEngine({ calendar }).`,
          );
        }
        return calendar;
      }),
      directory: forward(() => this.configOf(tenant()).directory ?? EMPTY_DIRECTORY),
    };
  }
}

/** The tenants of `createEngine({ tenants })` as given at creation: each own key's `{ calendar, directory }`, read once. */
function readTenants(tenants: object): ReadonlyMap<string, TenantConfig> {
  const out = new Map<string, TenantConfig>();
  let ids: string[];
  try {
    // Its own keys are the tenants: a Map (whose entries are no keys), a class instance or
    // Object.create({ acme: … }) listed none, so every tenant silently ran on the engine's calendar and
    // directory (another organisation's people resolved as its approvers).
    const proto: unknown = Object.getPrototypeOf(tenants);
    if (proto !== Object.prototype && proto !== null) {
      let inherited: string | undefined;
      for (const key in tenants) if (!Object.hasOwn(tenants, key)) inherited = inherited ?? key;
      throw new DocketError(
        'INVALID_ARGUMENT',
        inherited === undefined
          ? `createEngine({ tenants }) must be a plain object of { calendar?, directory? } by tenant id (or a function of the tenant id), not a ${proto instanceof Map || tenants instanceof Map ? 'Map' : 'class instance or Object.create(...)'}: its entries are not its own keys, so no tenant would get its configuration. Pass { acme: { directory } } (Object.fromEntries(map) for a Map).`
          : `createEngine({ tenants }): tenant "${inherited}" is inherited from a prototype, not an own key, so it would get no configuration; pass it as an own property ({ ...defaults, ...own }).`,
        { field: inherited === undefined ? 'tenants' : `tenants.${inherited}` },
      );
    }
    ids = Object.keys(tenants);
  } catch (error) {
    if (error instanceof DocketError) throw error;
    throw new DocketError('INVALID_ARGUMENT', 'createEngine({ tenants }): its tenant ids could not be listed; pass a plain object of { calendar?, directory? } by tenant id.', { field: 'tenants', cause: error });
  }
  for (const id of ids) {
    // A tenant id by the one id rule, as forTenant, start's tenant and actor.tenant take it: a blank
    // key (' ') was a configuration no tenant could ever use, taken without a word.
    checkNewId(id, `createEngine({ tenants }): the tenant id ${JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id)}`, `tenants.${id}`, { tenant: id });
    let entry: unknown;
    try {
      entry = (tenants as Record<string, unknown>)[id];
    } catch (error) {
      throw new DocketError('INVALID_ARGUMENT', `createEngine({ tenants }): tenant "${id}" could not be read; pass plain values.`, { field: `tenants.${id}`, cause: error });
    }
    const config = readOptions(entry, { keys: ['calendar', 'directory'], what: `createEngine({ tenants }): tenants.${id}`, usage: '{ calendar?, directory? }', path: `tenants.${id}` });
    // The shape of each, as the engine's own are checked: `{ calendar: 5 }` failed, raw, at the
    // tenant's first working-day deadline.
    checkCalendar(config.calendar, `tenants.${id}.calendar`, 'createEngine({ tenants })');
    checkDirectory(config.directory, `tenants.${id}.directory`, 'createEngine({ tenants })');
    out.set(id, Object.freeze(config as TenantConfig));
  }
  return out;
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
