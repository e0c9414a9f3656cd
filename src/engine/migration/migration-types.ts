import type { Instant } from '../../clock/clock.js';
import type { DocketErrorCode } from '../../errors.js';
import type { Actor } from '../../store/records.js';
import type { InstanceView } from '../engine-types.js';

/**
 * Options of `engine.migrate`.
 *
 * @example
 * ```ts
 * import type { MigrateOptions } from 'docket';
 * const o: MigrateOptions = { workflow: 'expense-reimbursement', from: 1, to: 2, dryRun: true, actor: { id: 'ops', roles: ['admin'] }, reason: 'payment renamed payout' };
 * ```
 */
export interface MigrateOptions {
  /** The workflow id. */
  readonly workflow: string;
  /** The version instances are on now (must be registered). */
  readonly from: number;
  /** The version to move them to (must be registered and declare a migration `from`). */
  readonly to: number;
  /**
   * Only some instances: in a state (dotted path, children included), by id, by a predicate on the
   * view, or of one tenant. An actor carrying a tenant migrates only that tenant's instances (a
   * `where.tenant` naming another is `FORBIDDEN`); `engine.forTenant(t).migrate` sets it.
   */
  readonly where?: {
    readonly tenant?: string;
    readonly state?: string;
    readonly instanceIds?: readonly string[];
    readonly match?: (instance: InstanceView) => boolean;
  };
  /** Report what would move and what cannot, change nothing (no history, no refusal log). */
  readonly dryRun?: boolean;
  /** Needs the `admin` role (`FORBIDDEN` otherwise, recorded in each selected instance's refusal log). */
  readonly actor: Actor;
  /** Recorded in each migrated instance's history entry. */
  readonly reason: string;
}

/** Why an instance cannot move (it stays on its version, unchanged). */
export type MigrationBlockCode =
  /** No mapping for its state and the new version has no state of that path. */
  | 'STATE_NOT_MAPPED'
  /** The mapping chose a path the new version does not have. */
  | 'TARGET_STATE_INVALID'
  /** The context transform threw. */
  | 'CONTEXT_TRANSFORM_FAILED'
  /** The new context failed the migration's `contextSchema`, or is not plain JSON. */
  | 'CONTEXT_INVALID'
  /** The instance is suspended: resume it first (its held timers belong to the old version's states). */
  | 'INSTANCE_SUSPENDED'
  /** Entering the new state threw (a guard, action or deadline of the new version), or the store refused. */
  | DocketErrorCode;

/** A timer the migrated instance has after its move. */
export interface MigratedTimer {
  readonly name: string;
  /** Epoch ms. */
  readonly dueAt: Instant;
  /** The state whose `after` armed it (dotted path), or null. */
  readonly state: string | null;
  /** The timer for people, as a `TimerView` has it: `after 1h in review.waiting`, never a bare `3600000`. */
  readonly label: string;
}

/**
 * A state the move enters again (the instance was in it, by path or as the mapped target) whose entry
 * actions hand the outbox effects: they are sent again (the manager notified a second time).
 */
export interface MigrationEffectsAgain {
  /** The state's dotted path on the new version. */
  readonly state: string;
  /** The effect types its entry sends in this move, sorted (`notify`, `approval.assigned`). */
  readonly effects: readonly string[];
}

/**
 * An approval step open before the move whose recorded votes the move drops: entering the step again
 * opens a new round (a half-voted 会签 starts over), and leaving it or a context transform that drops
 * it loses them too.
 */
export interface MigrationLostVotes {
  /** The step's id (its state's id, `context.approvals[step]`). */
  readonly step: string;
  /** How many votes are lost: people's approvals and rejections in the step's round (automatic ones not counted). */
  readonly votes: number;
  /** Who cast them (the person who acted: a delegate or stand-in when one did), in the step's order. */
  readonly voters: readonly string[];
}

/** One instance that moves (dry run: would move). */
export interface MigrationMove {
  readonly instanceId: string;
  /** State value on the old version. */
  readonly fromState: unknown;
  /** The mapped target path. */
  readonly target: string;
  /** State value on the new version after entering the target (an `always` may move on at once). */
  readonly toState: unknown;
  /** Pending timers after the move, earliest first: armed from the new version's rules. */
  readonly timers: readonly MigratedTimer[];
  /** The instance's revision after the move (dry run: the revision the move would write). */
  readonly revision: number;
  /**
   * Warning: states the move enters again whose entry effects are sent again (see
   * {@link MigrationEffectsAgain}); empty when none.
   */
  readonly effectsAgain: readonly MigrationEffectsAgain[];
  /**
   * Warning: approval steps whose recorded votes the move drops, with the count (see
   * {@link MigrationLostVotes}); empty when none.
   */
  readonly lostVotes: readonly MigrationLostVotes[];
}

/** One instance that cannot move, and why; it is left as it was. */
export interface MigrationBlocked {
  readonly instanceId: string;
  readonly state: unknown;
  readonly code: MigrationBlockCode;
  readonly message: string;
}

/**
 * What `engine.migrate` did (or, with `dryRun`, would do): a real run with nothing changed in
 * between reports the same `moved` and `blocked` as the dry run before it.
 *
 * @example
 * ```ts
 * import type { MigrationReport } from 'docket';
 * const none: MigrationReport = { workflow: 'leave', from: 1, to: 2, dryRun: true, at: 0, selected: 0, moved: [], blocked: [], finished: 0, skipped: 0 };
 * ```
 */
export interface MigrationReport {
  readonly workflow: string;
  readonly from: number;
  readonly to: number;
  readonly dryRun: boolean;
  /** The engine clock's instant the run computed timers from. */
  readonly at: Instant;
  /** Active instances on `from` matching `where`. */
  readonly selected: number;
  readonly moved: readonly MigrationMove[];
  readonly blocked: readonly MigrationBlocked[];
  /** Finished (done, failed, cancelled) instances on `from` matching `where`: they keep their version. */
  readonly finished: number;
  /** Instances selected but no longer on `from` when their turn came (another run migrated them). */
  readonly skipped: number;
}
