// What the approval reducer reads (an event, facts) and what it returns (a change and its effects).
import type { Instant } from '../clock/clock.js';
import type { Directory } from '../organisation/directory.js';
import type { Actor } from '../store/records.js';
import type { ApprovalContext } from './approval-types.js';

/** The effect types an approval step asks the engine to deliver: 待办 (assigned), 抄送 (cc), 催办 (remind). */
export const APPROVAL_EFFECT_TYPES = ['approval.assigned', 'approval.cc', 'approval.remind'] as const;

/** An effect an approval step asks the engine to deliver (outbox): who to tell, and why. */
export interface ApprovalEffect {
  readonly type: (typeof APPROVAL_EFFECT_TYPES)[number];
  readonly params: {
    readonly step: string;
    readonly round: number;
    readonly to: readonly string[];
    readonly by?: string;
    readonly comment?: string;
    readonly reason?: string;
  };
}

/** A new context and the effects the change asks for. */
export interface ApprovalChange<C extends ApprovalContext> {
  readonly context: C;
  readonly effects: readonly ApprovalEffect[];
}

/** The event as an approval step sees it: the payload plus the engine's `$actor`, `$at`, `$onBehalfOf`. */
export interface ApprovalInput {
  readonly type: string;
  readonly $actor?: Actor;
  readonly $at?: Instant;
  readonly $onBehalfOf?: string;
  readonly [key: string]: unknown;
}

/** What the reducer may read besides the context: the directory (for 离职 checks) and the instant. */
export interface ReduceFacts {
  readonly directory: Directory | undefined;
  readonly now: Instant;
}
