// One rule for a filter, through every front door: the store's and the engine's list/tasks/migrate,
// GET /instances, GET /tasks, POST /admin/migrate, `docket list` and `docket migrate`. The same bad
// value (empty, blank, U+0000, over-long, repeated, an unknown status, a page size that is not 1 to
// 1000 in digits) is refused with the same code (INVALID_ARGUMENT) and the same `details.field`
// everywhere, nothing listed or changed; the CLI exits 2 (bad arguments) and HTTP answers 400.
// Before: `docket list --workflow ''` dropped the filter and listed every instance, `--workflow ' '`
// listed nothing with exit 0, a repeated `--workflow a --workflow b` listed b, a bad value the store
// refused exited 1 and `--status`/`--limit` faults had code USAGE; `migrate --state ''` was refused
// by the store's list as `state` with exit 1; HTTP checked a query's values in the URL's order (and
// `?limit=` before `?status=`), so a query with two faults named another field than the engine, and
// `GET /tasks?assignee=x%00` was 403 FORBIDDEN; engine.migrate's where.state ' ' ran.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseReimbursement } from '../machines/index.js';
import { businessCalendar, createEngine, isDocketError, virtualClock, type Engine, type InstanceQuery } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { runCli } from '../src/cli/program.js';
import { sqliteStore } from '../src/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { expenseDirectory, expenseV2, person } from './helpers/expense-v2.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const NOW = Date.parse('2026-09-29T09:00:00+08:00');
const WF = 'expense-reimbursement';
const file = sqliteFile('filters-one-rule');
let store: Store;
let engine: Engine;
let handler: (request: Request) => Promise<Response>;

/** What a door answered: the ids it listed, or its refusal's code and field. */
type Outcome = { readonly ids: readonly string[] } | { readonly code: string; readonly field: unknown };

beforeAll(async () => {
  file.remove();
  store = sqliteStore({ filename: file.filename });
  // The instances on version 1 (a new one starts on the newest version registered), then the engine
  // the doors use, with version 2 and its migration.
  const clock = virtualClock('2026-09-28T09:00:00+08:00');
  const v1 = createEngine({ store, clock, calendar: businessCalendar(), directory: expenseDirectory, workflows: [expenseReimbursement] }) as unknown as Engine;
  const start = (id: string) => v1.start(WF as never, { title: id, department: 'sales', items: [{ description: 'x', amount: 100 }] } as never, { actor: person('li'), id });
  for (const id of ['a', 'b', 'c', 'd']) await start(id);
  await v1.send('b', { type: 'SUBMIT' } as never, { actor: person('li') });
  await v1.send('c', { type: 'SUBMIT' } as never, { actor: person('li') });
  await v1.terminate('d', { actor: { id: 'root', roles: ['admin'] }, reason: 'test' });
  await v1.close();
  engine = createEngine({ store, clock, calendar: businessCalendar(), directory: expenseDirectory, workflows: [expenseReimbursement, expenseV2] }) as unknown as Engine;
  handler = createHttpHandler({ engine: engine as never, workflows: [expenseReimbursement, expenseV2], identify: (r) => ({ id: r.headers.get('x-user') ?? 'li', roles: r.headers.get('x-user') === 'root' ? ['admin'] : ['staff'] }) });
});

afterAll(async () => {
  await engine.close();
  await store.close();
  file.remove();
});

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: { LANG: 'en_US.UTF-8' }, now: () => NOW });
  return { code, stdout, stderr };
}

/** A filter as a person types it: each field one value, or several (a repeated parameter or flag). */
type TextFilter = Readonly<Record<string, string | readonly string[]>>;
const valuesOf = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

/**
 * The typed query a program passes for the same filter: a page size in digits is its number, anything
 * else the value as it is (written out here, not imported, so that this file also runs on the old code).
 */
function typed(filter: TextFilter): InstanceQuery {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter)) out[k] = k === 'limit' && typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : v;
  return out as InstanceQuery;
}

async function viaApi(call: () => Promise<{ items: readonly { id: string }[] } | readonly { id: string }[]>): Promise<Outcome> {
  try {
    const r = await call();
    return { ids: ('items' in r ? r.items : r).map((i) => i.id) };
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return { code: error.code, field: error.details.field };
  }
}

async function viaHttp(method: string, path: string, user = 'li', body?: unknown): Promise<Outcome & { status: number }> {
  const res = await handler(new Request(`http://x${path}`, { method, headers: { 'x-user': user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
  const json = (await res.json()) as { items?: { id: string }[]; code?: string; details?: { field?: unknown } } | { id: string }[];
  if (res.status === 200) return { status: 200, ids: (Array.isArray(json) ? json : json.items ?? []).map((i) => i.id) };
  return { status: res.status, code: (json as { code: string }).code, field: (json as { details?: { field?: unknown } }).details?.field };
}

async function viaCli(args: readonly string[]): Promise<Outcome & { exit: number }> {
  const r = await cli([...args, '--json']);
  const json = JSON.parse(r.stdout) as { items?: { id: string }[]; error?: { code: string; field?: unknown } };
  if (json.error) return { exit: r.code, code: json.error.code, field: json.error.field };
  return { exit: r.code, ids: (json.items ?? []).map((i) => i.id) };
}

const query = (filter: TextFilter): string => Object.entries(filter).flatMap(([k, v]) => valuesOf(v).map((x) => `${k}=${encodeURIComponent(x)}`)).join('&');
const flags = (filter: TextFilter): string[] => Object.entries(filter).flatMap(([k, v]) => valuesOf(v).flatMap((x) => [`--${k}`, x]));

const doors = {
  'store.list': (f: TextFilter) => viaApi(() => store.list(typed(f))),
  'engine.list': (f: TextFilter) => viaApi(() => engine.list(typed(f))),
  'GET /instances': async (f: TextFilter) => {
    const { status, ...o } = await viaHttp('GET', `/instances?${query(f)}`);
    return 'code' in o ? { ...o, status } : o;
  },
  'docket list': async (f: TextFilter) => {
    const { exit, ...o } = await viaCli(['list', file.filename, ...flags(f)]);
    return 'code' in o ? { ...o, exit } : o;
  },
} as const;

const LONG = 'w'.repeat(300);
/** Each case fails on the old code through the door it names (see the header). */
const listCases: readonly [keyof typeof doors, string, TextFilter, string][] = [
  ['docket list', 'an empty workflow (listed every instance)', { workflow: '' }, 'workflow'],
  ['docket list', 'a blank workflow (listed none, exit 0)', { workflow: '  ' }, 'workflow'],
  ['docket list', 'a workflow with U+0000 (exit 1)', { workflow: 'a\u0000b' }, 'workflow'],
  ['docket list', 'an over-long workflow (exit 1)', { workflow: LONG }, 'workflow'],
  ['docket list', 'a repeated workflow (the last one won)', { workflow: [WF, 'other'] }, 'workflow'],
  ['docket list', 'an empty state (a filter it did not take)', { state: '' }, 'state'],
  ['docket list', 'an unknown status (code USAGE)', { status: 'sleeping' }, 'status'],
  ['docket list', 'an empty status (code USAGE)', { status: '' }, 'status'],
  ['docket list', 'a limit in words (code USAGE)', { limit: 'ten' }, 'limit'],
  ['docket list', 'a limit past 1000 (exit 1)', { limit: '1001' }, 'limit'],
  ['store.list', 'a blank workflow (listed none)', { workflow: ' ' }, 'workflow'],
  ['store.list', 'a blank state (an ideographic space)', { state: '\u3000' }, 'state'],
  ['engine.list', 'a blank workflow (listed none)', { workflow: '\t' }, 'workflow'],
  ['GET /instances', 'two faults, named in the URL order (status before workflow)', { status: 'sleeping', workflow: 'a\u0000b' }, 'workflow'],
  ['GET /instances', 'two faults, limit read before status', { limit: 'ten', status: 'sleeping' }, 'status'],
  ['GET /instances', 'two faults, a blank named before an over-long one', { state: ' ', workflow: LONG }, 'workflow'],
];

describe('a list filter: the same refusal through every door', () => {
  it.each(listCases)('%s refuses %s: INVALID_ARGUMENT naming it, nothing listed', async (door, _name, filter, field) => {
    const got = await doors[door](filter);
    const want = door === 'docket list' ? { code: 'INVALID_ARGUMENT', field, exit: 2 } : door === 'GET /instances' ? { code: 'INVALID_ARGUMENT', field, status: 400 } : { code: 'INVALID_ARGUMENT', field };
    expect(got).toEqual(want);
    // Every door agrees with the store.
    expect(await doors['store.list'](filter)).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('the CLI says which option to fix and what to pass, on stderr', async () => {
    const empty = await cli(['list', file.filename, '--workflow', '']);
    expect([empty.code, empty.stdout]).toEqual([2, '']);
    expect(empty.stderr).toMatch(/--workflow is empty: leave it out to match any, or give a value/);
    const status = await cli(['list', file.filename, '--status', '']);
    expect(status.stderr).toMatch(/--status is empty: leave it out to match any, or give one of active, done, failed, cancelled/);
  });

  it.each([
    [{ state: '-V' }],
    [{ workflow: '-h' }],
    [{ workflow: '--version' }],
    [{ state: ['-V', 'draft'] }],
  ] as const)('docket list reads a value that starts with a dash as the value, as the store does (%j printed the version or help, exit 0)', async (filter) => {
    const want = await doors['store.list'](filter);
    const got = await doors['docket list'](filter);
    expect(got).toEqual('ids' in want ? want : { ...want, exit: 2 });
  });

  it('the right values still list the same instances through every door', async () => {
    for (const filter of [{}, { workflow: WF }, { workflow: WF, status: 'cancelled' }, { status: 'active', limit: '2' }, { workflow: 'other' }] as TextFilter[]) {
      const answers = await Promise.all(Object.values(doors).map((door) => door(filter)));
      expect(answers.every((a) => 'ids' in a)).toBe(true);
      for (const a of answers) expect(a).toEqual(answers[0]);
    }
    expect(await doors['docket list']({ status: 'cancelled' })).toEqual({ ids: ['d'] });
  });
});

describe('an inbox filter: GET /tasks and engine.tasks refuse alike', () => {
  it.each([
    ['an assignee with U+0000 (was 403 FORBIDDEN)', 'assignee=x%00', { assignee: 'x\u0000' }, 'assignee'],
    ['an over-long assignee (was 403 FORBIDDEN)', `assignee=${LONG}`, { assignee: LONG }, 'assignee'],
    ['two faults, named in the URL order', 'workflow=%20&assignee=x%00', { workflow: ' ', assignee: 'x\u0000' }, 'assignee'],
  ] as const)('GET /tasks refuses %s as the engine does', async (_name, qs, filter, field) => {
    expect(await viaHttp('GET', `/tasks?${qs}`)).toEqual({ status: 400, code: 'INVALID_ARGUMENT', field });
    expect(await viaApi(() => engine.tasks(filter))).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('engine.tasks refuses a blank filter as GET /tasks does (it listed none)', async () => {
    expect(await viaApi(() => engine.tasks({ workflow: '  ' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'workflow' });
    expect(await viaApi(() => store.tasks({ instanceId: ' ' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'instanceId' });
    expect(await viaHttp('GET', '/tasks?workflow=%20%20')).toEqual({ status: 400, code: 'INVALID_ARGUMENT', field: 'workflow' });
  });
});

describe("migrate's where.state: the same refusal through every door, nothing migrated", () => {
  const versions = async () => Promise.all(['a', 'b', 'c'].map(async (id) => (await store.load(id))!.version));
  const options = (state: string) => ({ workflow: WF, from: 1, to: 2, reason: 'rename', actor: { id: 'root', roles: ['admin'] }, dryRun: false, where: { state } });

  it.each([
    ['an empty state (named `state`)', ''],
    ['a blank state (it ran)', '  '],
    ['an over-long state (named `state`)', LONG],
  ])('engine.migrate refuses %s as where.state', async (_name, state) => {
    expect(await viaApi(async () => (await engine.migrate(options(state) as never)).moved.map((m) => ({ id: m.instanceId })))).toEqual({ code: 'INVALID_ARGUMENT', field: 'where.state' });
    expect(await versions()).toEqual([1, 1, 1]);
  });

  it.each([
    ['a blank state (it ran)', ' '],
    ['an over-long state (named `state`)', LONG],
  ])('POST /admin/migrate refuses %s as where.state, 400', async (_name, state) => {
    const { actor: _a, ...body } = options(state);
    expect(await viaHttp('POST', '/admin/migrate', 'root', body)).toEqual({ status: 400, code: 'INVALID_ARGUMENT', field: 'where.state' });
    expect(await versions()).toEqual([1, 1, 1]);
  });

  it.each([
    ['an empty state (named `state`, exit 1)', ['--state', '']],
    ['a blank state (it ran)', ['--state', ' ']],
    ['a repeated state (the last one won)', ['--state', 'draft', '--state', 'x']],
  ])('docket migrate refuses %s as where.state, exit 2', async (_name, state) => {
    const got = await viaCli(['migrate', file.filename, '--workflow', WF, '--from', '1', '--to', '2', '--reason', 'rename', ...state]);
    expect(got).toEqual({ exit: 2, code: 'INVALID_ARGUMENT', field: 'where.state' });
    expect(await versions()).toEqual([1, 1, 1]);
    const text = await cli(['migrate', file.filename, '--workflow', WF, '--from', '1', '--to', '2', '--reason', 'rename', ...state]);
    expect(text.stderr).toMatch(/--state/);
  });
});

describe('property: random filters, every door the same answer', () => {
  const states = ['draft', 'managerReview', 'review', 'payment'];
  const bad = ['', ' ', '\t', '\u3000', '\u00a0', 'a\u0000', '\u0000', LONG, 'x'.repeat(257)];
  const text = (good: readonly string[]) => fc.oneof(fc.constantFrom(...good, ...bad), fc.string({ maxLength: 4 }));
  const value = (good: readonly string[]) => fc.oneof({ weight: 4, arbitrary: text(good) }, { weight: 1, arbitrary: fc.array(text(good), { minLength: 2, maxLength: 3 }) });
  const limits = ['1', '2', '3', '1000', '1001', '0', '-1', '1.5', ' 5', '1e2', '0x10', 'ten', '', ' ', '０', '00002'];
  const filter = fc.record(
    {
      workflow: value([WF, 'other']),
      state: value(states),
      status: value(['active', 'done', 'failed', 'cancelled', 'Active']),
      limit: fc.oneof(fc.constantFrom(...limits), fc.nat({ max: 2000 }).map(String), fc.array(fc.constantFrom(...limits), { minLength: 2, maxLength: 2 })),
    },
    { requiredKeys: [] },
  );

  it('store, engine, HTTP and CLI all list the same ids, or all refuse with the same code and field', async () => {
    await fc.assert(
      fc.asyncProperty(filter, async (f) => {
        const [s, e, h, c] = await Promise.all([doors['store.list'](f), doors['engine.list'](f), doors['GET /instances'](f), doors['docket list'](f)]);
        if ('ids' in s) {
          expect([f, e, h, c]).toEqual([f, s, s, s]);
        } else {
          expect(s.code).toBe('INVALID_ARGUMENT');
          expect([f, e, h, c]).toEqual([f, s, { ...s, status: 400 }, { ...s, exit: 2 }]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
