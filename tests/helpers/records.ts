import type { Commit, EffectRecord, InstanceRecord, InstanceStatus, TaskRecord, TimerRecord } from '../../src/index.js';

/** Base instant of the store tests: 2026-11-02T09:00:00+08:00. */
export const T0 = Date.parse('2026-11-02T09:00:00+08:00');

export interface CommitOptions {
  readonly workflow?: string;
  readonly state?: string;
  readonly status?: InstanceStatus;
  readonly at?: number;
  /** Timers to add, by key and due instant. */
  readonly addTimers?: readonly { readonly key: string; readonly dueAt: number }[];
  readonly cancelKeys?: readonly string[];
  readonly fires?: TimerRecord | { readonly id: string };
  readonly effects?: number;
  readonly tasks?: readonly Omit<TaskRecord, 'instanceId' | 'workflow' | 'createdAt' | 'status' | 'dueAt' | 'actions'>[];
  readonly idempotencyKey?: string;
  /** Override the expected revision (to provoke conflicts). */
  readonly expectedRevision?: number;
}

/** The state paths the engine would store for a dotted state (`a.b` → `a`, `a.b`). */
export function pathsOf(state: string): string[] {
  const parts = state.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/**
 * A hand-made commit that moves `previous` (or nothing) one revision forward: the store tests need
 * exact control over timers, effects and tasks without going through a machine.
 */
export function nextCommit(id: string, previous: InstanceRecord | undefined, o: CommitOptions = {}): Commit {
  const revision = (previous?.revision ?? 0) + 1;
  const at = o.at ?? T0 + revision;
  const workflow = o.workflow ?? previous?.workflow ?? 'review';
  const state = o.state ?? (previous?.state as string | undefined) ?? 'draft';
  const addTimers: TimerRecord[] = (o.addTimers ?? []).map((t) => ({
    id: `${id}:${revision}:${t.key}`,
    instanceId: id,
    key: t.key,
    name: t.key,
    event: { type: `xstate.after.${t.key}` },
    dueAt: t.dueAt,
    revision,
    status: 'pending',
  }));
  const firedId = o.fires?.id;
  const cancelTimerIds = (previous?.timers ?? []).filter((t) => o.cancelKeys?.includes(t.key) && t.id !== firedId).map((t) => t.id);
  const timers = [
    ...(previous?.timers ?? []).filter((t) => !cancelTimerIds.includes(t.id) && t.id !== firedId),
    ...addTimers.map(({ id: tid, key, name, dueAt, event }) => ({ id: tid, key, name, dueAt, event })),
  ].sort((a, b) => a.dueAt - b.dueAt);
  const effects: EffectRecord[] = Array.from({ length: o.effects ?? 0 }, (_, index) => ({
    id: `${id}:${revision}:${index}`,
    instanceId: id,
    workflow,
    revision,
    index,
    type: 'notify',
    params: { to: 'manager', n: index },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
  }));
  const instance: InstanceRecord = {
    id,
    workflow,
    version: 1,
    status: o.status ?? 'active',
    suspended: false,
    snapshot: { status: 'active', value: state, context: { n: revision }, historyValue: {}, children: {} },
    state,
    statePaths: pathsOf(state),
    context: { n: revision, title: '标题 ✓' },
    revision,
    historyHash: `h${revision}`,
    initiator: 'li',
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    timers,
    nextDueAt: timers[0]?.dueAt ?? null,
  };
  return {
    instance,
    expectedRevision: o.expectedRevision ?? previous?.revision ?? 0,
    history: {
      instanceId: id,
      revision,
      kind: o.fires ? 'timer' : revision === 1 ? 'start' : 'event',
      event: { type: o.fires ? 'xstate.after.t' : revision === 1 ? 'docket.start' : 'NEXT' },
      actor: { id: 'li', roles: ['staff'] },
      at,
      from: previous?.state ?? null,
      to: state,
      prevHash: previous?.historyHash ?? 'genesis',
      hash: `h${revision}`,
    },
    cancelTimerIds,
    addTimers,
    ...(firedId === undefined ? {} : { firesTimer: { id: firedId, firedAt: at } }),
    effects,
    ...(o.tasks === undefined
      ? {}
      : {
          tasks: o.tasks.map((t) => ({ ...t, instanceId: id, workflow, status: 'open' as const, dueAt: null, actions: ['APPROVE'], createdAt: at })),
        }),
    ...(o.idempotencyKey === undefined
      ? {}
      : { idempotency: { instanceId: id, key: o.idempotencyKey, payloadHash: 'p', revision, result: { revision }, at } }),
  };
}

/** A safe identifier for a schema or file name derived from a test's name. */
export function slug(name: string, max = 40): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, max);
  return `${base || 'test'}_${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
