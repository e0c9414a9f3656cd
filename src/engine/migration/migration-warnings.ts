import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { InstanceRecord } from '../../store/records.js';
import { entryEffectTypes } from '../effect-types.js';
import type { MigrationEffectsAgain, MigrationLostVotes } from './migration-types.js';

// A migration enters its target the way moveTo does (see migration-runtime.ts): every state it enters
// runs its entry actions, and an approval step entered opens a new round. For an instance already in
// that state, that sends its entry effects a second time (the manager notified twice) and drops the
// votes the step's round held (a half-voted 会签 starts over). docs/lifecycle.md describes both; these
// say which, per instance, in the report the operator reads before running it.

/** The state node at a dotted path of `machine`, or undefined. */
function nodeAt(machine: AnyStateMachine, path: string): AnyStateNode | undefined {
  let node: AnyStateNode | undefined = machine.root;
  for (const key of path.split('.')) {
    node = (node?.states as Record<string, AnyStateNode> | undefined)?.[key];
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * The states the move re-entered: entered by the migration (active after it: it starts from an empty
 * origin, so every active state was entered) and ones the instance was in before, by path or as the
 * mapped target and its ancestors (the mapping says the old state is the target).
 */
function reenteredStates(before: InstanceRecord, afterPaths: readonly string[], target: string): string[] {
  const was = new Set(before.statePaths);
  const parts = target.split('.');
  for (let i = 1; i <= parts.length; i++) was.add(parts.slice(0, i).join('.'));
  return afterPaths.filter((p) => was.has(p));
}

/**
 * Each re-entered state whose own entry actions hand the outbox effects in this move: the effect
 * types, as the commit's effect rows have them (an approval step's entry may enqueue
 * `approval.assigned` but not `approval.cc`: only those the move sends are named).
 */
export function effectsSentAgain(
  machine: AnyStateMachine,
  before: InstanceRecord,
  afterPaths: readonly string[],
  target: string,
  sent: readonly { readonly type: string }[],
): MigrationEffectsAgain[] {
  const sentTypes = new Set(sent.map((e) => e.type));
  if (sentTypes.size === 0) return [];
  let actions: Readonly<Record<string, unknown>> = {};
  try {
    actions = ((machine as { implementations?: { actions?: Record<string, unknown> } }).implementations?.actions ?? {}) as Record<string, unknown>;
  } catch {
    // A machine whose implementations cannot be read: its string actions still name their effects.
  }
  const out: MigrationEffectsAgain[] = [];
  for (const state of reenteredStates(before, afterPaths, target)) {
    const node = nodeAt(machine, state);
    if (!node) continue;
    const effects = entryEffectTypes(node, actions).filter((t) => sentTypes.has(t));
    if (effects.length > 0) out.push({ state, effects });
  }
  return out;
}

/** The part of an approval step's state (context.approvals[step]) read here; engine code does not import approvals. */
interface StepShape {
  readonly round?: unknown;
  readonly active?: unknown;
  readonly assignments?: readonly { readonly id?: unknown; readonly user?: unknown; readonly actedBy?: unknown; readonly status?: unknown; readonly auto?: unknown }[];
}

function stepsOf(context: unknown): Readonly<Record<string, StepShape>> {
  const approvals = (context as { approvals?: unknown } | null)?.approvals;
  return typeof approvals === 'object' && approvals !== null && !Array.isArray(approvals) ? (approvals as Record<string, StepShape>) : {};
}

/** A person's recorded decision on a step: approved or rejected by someone, not automatically. */
const isVote = (a: NonNullable<StepShape['assignments']>[number]) => (a.status === 'approved' || a.status === 'rejected') && a.auto === undefined;

/**
 * Each approval step that was open before the move and whose recorded votes (people's approvals and
 * rejections of its round) are not in the step after it: the step re-entered (a new round), left, or
 * dropped by the context transform. `votes` is how many, `voters` who cast them.
 */
export function votesLost(beforeContext: unknown, afterContext: unknown, machine: AnyStateMachine, afterPaths: readonly string[]): MigrationLostVotes[] {
  // An approval step is the state node whose id is the step's id; its round holds only while that
  // state is active after the move (the migration exits nothing, so the context may still say active).
  const open = (step: string): boolean => {
    try {
      return afterPaths.includes(machine.getStateNodeById(step).path.join('.'));
    } catch {
      return false;
    }
  };
  const before = stepsOf(beforeContext);
  const after = stepsOf(afterContext);
  const out: MigrationLostVotes[] = [];
  for (const step of Object.keys(before)) {
    const old = before[step]!;
    if (old.active !== true || !Array.isArray(old.assignments)) continue;
    const cast = old.assignments.filter(isVote);
    if (cast.length === 0) continue;
    const now = Object.hasOwn(after, step) ? after[step] : undefined;
    const kept = now && now.active === true && open(step) && now.round === old.round && Array.isArray(now.assignments) ? now.assignments : [];
    const lost = cast.filter((a) => !kept.some((k) => k.id === a.id && k.user === a.user && k.status === a.status));
    if (lost.length > 0) out.push({ step, votes: lost.length, voters: lost.map((a) => String(a.actedBy ?? a.user)) });
  }
  return out;
}
