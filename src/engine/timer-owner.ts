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
  const match = /^xstate\.after\.(?:\d+(?:\.\d+)?|[^.]+)\.(.+)$/.exec(key);
  if (!match) return null;
  const id = match[1]!;
  // `<machine id>.<path>` by default; a state with its own id (approval steps use the step id) has
  // no dot and is read as that id.
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(dot + 1);
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

const UNITS: readonly [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** `3600000` → `1h`, `5400000` → `1h 30min`, `1500` → `1s 500ms`. */
function formatDelay(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join(' ');
}

/**
 * A timer's name for people: `after 1h in parked` for a numeric delay, `reviewDeadline in review`
 * for a named one, the bare name when no state armed it.
 */
export function timerLabel(name: string, state: string | null): string {
  const numeric = /^\d+$/.test(name);
  const what = numeric ? `after ${formatDelay(Number(name))}` : name;
  return state ? `${what} in ${state}` : what;
}
