import type { AnyStateMachine, AnyStateNode } from 'xstate';

/**
 * Which state armed each `after` timer of a machine: XState's delay event
 * `xstate.after.<delay>.<state node id>` → that state's dotted path of keys (`''` for the root).
 * A timer whose key is not in the map (a custom delayed `raise` with its own id) has no owning state.
 */
export type TimerOwners = ReadonlyMap<string, string>;

/** Walk the machine once and map each `after` delay event to the path of the state that arms it. */
export function timerOwnersOf(machine: AnyStateMachine): TimerOwners {
  const owners = new Map<string, string>();
  const walk = (node: AnyStateNode) => {
    // `node.after` is XState's own list of delayed transitions (memoised): its event types are
    // exactly the ids of the raises the state's entry arms and its exit cancels.
    for (const transition of node.after) owners.set(transition.eventType, node.path.join('.'));
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  return owners;
}

/**
 * XState's key of an `after` timer, `xstate.after.<delay>.<state id>`: the delay (1), a name or a
 * length in ms, numeric first because a fraction of a millisecond (`after: { 1.5: … }`) has a dot of
 * its own (`[^.]+` read `1` of `xstate.after.1.5.m.a`, naming a 1.5 ms timer "1"), and the state id
 * (2). The one reading of the key for its name and its owner.
 */
const AFTER_KEY = /^xstate\.after\.(\d+(?:\.\d+)?|[^.]+)\.(.+)$/;

/**
 * The owning state of a timer key: from `owners` when the machine is known, otherwise read from the
 * key itself (`xstate.after.<delay>.<machine id>.<path>`, right for XState's default state ids; a
 * custom id without a dot is taken as the state's name).
 * `null` when the key was not armed by a state's `after`.
 */
export function ownerOfTimer(key: string, owners?: TimerOwners): string | null {
  if (owners) {
    const owner = owners.get(key);
    if (owner !== undefined) return owner;
  }
  const match = AFTER_KEY.exec(key);
  if (!match) return null;
  const id = match[2]!;
  // `<machine id>.<path>` by default; a state with its own id (approval steps use the step id) has
  // no dot and is read as that id.
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(dot + 1);
}

/**
 * A timer's name from its key or delay event: the delay of `xstate.after.<delay>.<state id>` (its
 * name, or its length in ms), else the key itself (a raise's own id).
 */
export function timerNameOf(key: string): string {
  const match = AFTER_KEY.exec(key);
  return match ? match[1]! : key;
}

/**
 * Is the owning state of `key` among the active `statePaths` (a timer with no owner always is)? The
 * paths are read as the record holds them, a short list (one entry per active state node): a Set made
 * of them for each commit and each firing cost more than the few comparisons it saved.
 */
export function timerIsLive(key: string, activePaths: readonly string[], owners: TimerOwners | undefined): boolean {
  if (!owners) return true;
  const owner = owners.get(key);
  return owner === undefined || owner === '' || activePaths.includes(owner);
}

const UNITS: readonly [number, string, string][] = [
  [86_400_000, 'd', '天'],
  [3_600_000, 'h', '小时'],
  [60_000, 'min', '分钟'],
  [1000, 's', '秒'],
];

/** `3600000` → `1h` (`1小时`), `5400000` → `1h 30min` (`1小时30分钟`), `1500` → `1s 500ms` (`1秒500毫秒`). */
function formatDelay(ms: number, lang: TimerLang): string {
  const zh = lang === 'zh-CN';
  if (!Number.isFinite(ms) || ms <= 0) return zh ? `${ms}毫秒` : `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [size, en, cn] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${zh ? cn : en}`);
      rest %= size;
    }
  }
  // A fraction of a millisecond is kept (1.5 ms is not 1 ms), to a microsecond: 1000.1 % 1000 is
  // 0.09999999999990905 in floating point.
  rest = Math.round(rest * 1000) / 1000;
  if (rest > 0) parts.push(zh ? `${rest}毫秒` : `${rest}ms`);
  return parts.join(zh ? '' : ' ');
}

/** The languages a timer's label is written in. */
export type TimerLang = 'en' | 'zh-CN';

/** How {@link timerLabel} words a timer beyond its name and state. */
export interface TimerLabelOptions {
  /** Default `en`: the engine's own labels (views, `timer.fired`, logs, spans) are English. */
  readonly lang?: TimerLang;
  /**
   * What a named delay is called in `lang` (the workflow's `labels.deadlines`, as the state graph
   * gives it); without it, its name. Not used for a numeric delay, which is worded as a duration.
   */
  readonly called?: string;
  /**
   * The type of the event the timer delivers: names a delayed `raise` without an id, whose only
   * name is Docket's key for it (`raise.<revision>.<n>`).
   */
  readonly eventType?: string;
}

/** Docket's key for a delayed `raise` without an id (see planCommit): an internal key, not a name. */
const UNNAMED_RAISE = /^raise\.\d+\.\d+$/;

/** Whether a timer's name is its delay in ms (`after: { 3600000: … }`), not a name someone chose. */
export function isNumericDelay(name: string): boolean {
  return /^\d+(?:\.\d+)?$/.test(name);
}

/**
 * A timer's name for people: `after 1h in parked` for a numeric delay, `reviewDeadline in review`
 * for a named one (or what `called` says it is), `delayed PING` for a delayed raise without an id,
 * the bare name when no state armed it. In zh-CN: `「parked」1小时后`, `「review」reviewDeadline`,
 * `延时事件 PING`. Never the delay's bare ms or an XState key (`xstate.after.3600000.m.parked`).
 * `state` is given as the reader should see it: a dotted path, or the state's label.
 */
export function timerLabel(name: string, state: string | null, options: TimerLabelOptions = {}): string {
  const zh = options.lang === 'zh-CN';
  let what: string;
  if (isNumericDelay(name)) what = zh ? `${formatDelay(Number(name), 'zh-CN')}后` : `after ${formatDelay(Number(name), 'en')}`;
  else if (UNNAMED_RAISE.test(name)) {
    const type = options.eventType;
    what = zh ? (type ? `延时事件 ${type}` : '延时事件') : type ? `delayed ${type}` : 'delayed event';
  } else what = options.called ?? name;
  if (!state) return what;
  return zh ? `「${state}」${what}` : `${what} in ${state}`;
}

/**
 * The keys of the timers pending after one step, by the rule the engine's commit plan applies
 * (plan-commit.ts): the timer the step delivered (`fired`) is gone (it fires once); the step's delayed
 * raises and cancels apply in the order XState lists them (a raise with an id arms or re-arms that key,
 * a cancel drops it, so a state entered and left in one step keeps none); then only the timers whose
 * owning state is among `activePaths` are kept. `docket/testing` offers a timer to path generation only
 * while it is pending by this rule: a targetless `after` (a deadline's 超时升级, which stays in its
 * step) fires once per entry, as on the engine, not again and again. Raises without an id (each a timer
 * of its own, keyed by revision) are left out: path generation cannot send them.
 *
 * @example
 * ```ts
 * import { timersAfterStep } from './timer-owner.js';
 * const owners = new Map([['xstate.after.due.legal', 'legal']]);
 * timersAfterStep(['xstate.after.due.legal'], 'xstate.after.due.legal', [], ['legal'], owners); // []
 * ```
 */
export function timersAfterStep(
  before: readonly string[],
  fired: string | undefined,
  actions: readonly { readonly type: string; readonly params?: unknown }[],
  activePaths: readonly string[],
  owners: TimerOwners,
): string[] {
  const keys = before.filter((key) => key !== fired);
  for (const action of actions) {
    const params = action.params as { delay?: unknown; id?: unknown; sendId?: unknown } | undefined;
    if (action.type === 'xstate.raise' && params?.delay !== undefined && typeof params.id === 'string') {
      if (!keys.includes(params.id)) keys.push(params.id);
    } else if (action.type === 'xstate.cancel' && typeof params?.sendId === 'string') {
      const at = keys.indexOf(params.sendId);
      if (at >= 0) keys.splice(at, 1);
    }
  }
  return keys.filter((key) => timerIsLive(key, activePaths, owners));
}
