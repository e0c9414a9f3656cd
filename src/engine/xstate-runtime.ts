import { createActor, type AnyStateMachine, type AnyMachineSnapshot } from 'xstate';
import { timerOwnersOf, type TimerOwners } from './timer-owner.js';

// Shared, frozen empty objects: most persisted snapshots have no history and no children.
const EMPTY = Object.freeze({}) as Record<string, never>;

/** An action XState asked to run, as data: `type` plus resolved `params`. */
export interface ActionData {
  readonly type: string;
  readonly params: unknown;
}

/** The outcome of one pure step: the next snapshot and the actions it produced, none executed. */
export interface Step {
  readonly snapshot: AnyMachineSnapshot;
  readonly actions: readonly ActionData[];
}

/**
 * XState v5 driven as a pure function, the way v6 will work: `(snapshot, event) → (snapshot, actions)`.
 *
 * It uses `machine.transition(snapshot, event, scope)` with one inert actor scope per machine whose
 * `actionExecutor` collects actions instead of running them. xstate's exported `transition()` builds
 * a throwaway actor per call and is ~4x slower; this signature is less public, so xstate's minor
 * version is pinned and `tests/xstate-runtime.test.ts` covers what is relied on here.
 */
export class XStateRuntime {
  private readonly scope: any;
  private collected: ActionData[] = [];
  /** Which state arms each `after` timer (see timer-owner.ts). */
  readonly timerOwners: TimerOwners;

  constructor(readonly machine: AnyStateMachine) {
    this.timerOwners = timerOwnersOf(machine);
    const self = createActor(machine);
    this.scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: (action: { type: string; params: unknown }) => {
        this.collected.push({ type: action.type, params: action.params });
      },
    };
  }

  private collect<T>(fn: () => T): { value: T; actions: ActionData[] } {
    this.collected = [];
    try {
      const value = fn();
      return { value, actions: this.collected };
    } finally {
      this.collected = [];
    }
  }

  initial(input: unknown): Step {
    const { value, actions } = this.collect(() => this.machine.getInitialSnapshot(this.scope, input));
    return { snapshot: value, actions };
  }

  transition(snapshot: AnyMachineSnapshot, event: { type: string }): Step {
    this.scope.self._snapshot = snapshot;
    const { value, actions } = this.collect(() => this.machine.transition(snapshot, event as never, this.scope));
    return { snapshot: value, actions };
  }

  restore(persisted: unknown): AnyMachineSnapshot {
    return this.machine.restoreSnapshot(persisted as never, this.scope) as AnyMachineSnapshot;
  }

  persist(snapshot: AnyMachineSnapshot): unknown {
    // Durable machines run no child actors (effects go through the outbox), so the context holds no
    // actor refs and the persisted form is plain data. Build it directly: xstate's
    // getPersistedSnapshot rest-destructures the whole snapshot and walks the context on every call.
    const s = snapshot as AnyMachineSnapshot & { historyValue?: Record<string, { id: string }[]> };
    for (const _ in s.children) return this.machine.getPersistedSnapshot(snapshot);
    let historyValue: Record<string, { id: string }[]> = EMPTY;
    for (const key in s.historyValue) {
      if (historyValue === EMPTY) historyValue = {};
      historyValue[key] = s.historyValue[key]!.map((node) => ({ id: node.id }));
    }
    const persisted: Record<string, unknown> = { status: s.status, value: s.value, historyValue, context: s.context, children: EMPTY };
    if (s.output !== undefined) persisted.output = s.output;
    if (s.error !== undefined) persisted.error = s.error;
    return persisted;
  }
}

/** Every active state node as a dotted path, parents included: `{ a: { b: 'c' } }` → `a`, `a.b`, `a.b.c`. */
export function statePaths(value: unknown, prefix = ''): string[] {
  const out: string[] = [];
  collectPaths(value, prefix, out);
  return out;
}

// Appends into one array instead of spreading each child's list into push() (argument-count limit).
function collectPaths(value: unknown, prefix: string, out: string[]): void {
  if (typeof value === 'string') {
    out.push(prefix ? `${prefix}.${value}` : value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path);
    collectPaths(child, path, out);
  }
}
