import type { AnyStateMachine } from 'xstate';
import type { Actor, Commit, InstanceRecord, Store } from '../../src/index.js';
import { planCommit } from '../../src/engine/plan-commit.js';
import { XStateRuntime } from '../../src/engine/xstate-runtime.js';

// Records as a Docket from before in-order timers (6580fd6) wrote them: it applied a step's cancels
// to the stored timers only, then added every timer the step raised, and kept a pending timer
// whatever state owned it. A state entered and left within one macrostep (an `always` straight out)
// so kept its `after` timer: pending in the timer table and in the instance's timer list, and
// committed to by the history head, while its state is not active. Both helpers write through
// `store.commit`, as that Docket did; the entries are sealed in today's format (the head check and
// `verify` read older formats the same way, so the format is not what these tests are about).

async function loaded(store: Store, instanceId: string): Promise<InstanceRecord> {
  const record = await store.load(instanceId);
  if (!record) throw new Error(`no instance ${instanceId} to write an older Docket's record for`);
  return record;
}

/**
 * Send `event` to an instance at `now` as that older Docket did, and commit the result. The step is
 * XState's own; only its delayed raises and cancels are applied the old way (cancels first, against
 * the stored timers alone) and no timer is dropped for its state.
 */
export async function sendAsOlderDocket(store: Store, machine: AnyStateMachine, instanceId: string, event: { readonly type: string }, actor: Actor, now: number): Promise<Commit> {
  const record = await loaded(store, instanceId);
  const runtime = new XStateRuntime(machine);
  const step = runtime.transition(runtime.restore(record.snapshot), { ...event, $actor: actor, $at: now } as never, now);
  const cancels = step.actions.filter((a) => a.type === 'xstate.cancel');
  const rest = step.actions.filter((a) => a.type !== 'xstate.cancel');
  const commit = planCommit(
    record,
    { snapshot: step.snapshot, actions: [...cancels, ...rest] },
    runtime.persist(step.snapshot),
    { instanceId, workflow: record.workflow, version: record.version, initiator: record.initiator, kind: 'event', event: { type: event.type }, actor, now },
    undefined,
  );
  await store.commit(commit);
  return commit;
}

/**
 * The same record in its general form, for any machine: one commit of an older Docket that leaves the
 * instance's state as it is and a pending `after` timer of a state that is not active (`key`, as
 * XState names it: `xstate.after.<delay>.<machine id>.<state path>`), due at `dueAt`.
 */
export async function leaveStaleTimer(store: Store, instanceId: string, timer: { readonly key: string; readonly name: string; readonly dueAt: number }, actor: Actor, now: number): Promise<Commit> {
  const record = await loaded(store, instanceId);
  const commit = planCommit(
    record,
    { snapshot: { value: record.state, context: record.context, status: 'active' } as never, actions: [] },
    record.snapshot,
    {
      instanceId,
      workflow: record.workflow,
      version: record.version,
      initiator: record.initiator,
      kind: 'event',
      event: { type: 'LEGACY' },
      actor,
      now,
      extraTimers: [{ key: timer.key, name: timer.name, dueAt: timer.dueAt, event: { type: timer.key } }],
    },
    undefined,
  );
  await store.commit(commit);
  return commit;
}

/**
 * A row in the timer table that no instance holds, as a manual edit of the database leaves one: one
 * commit of `instanceId` that changes nothing else writes the row beside it, listed neither by the
 * instance's timers nor by its history head. With `rowInstance`, the row names that instance instead
 * (one that does not exist: `instance-missing`); otherwise its own (`not-held`). Returns the row's id.
 */
export async function leaveOrphanRow(
  store: Store,
  instanceId: string,
  row: { readonly key: string; readonly name: string; readonly dueAt: number; readonly rowInstance?: string },
  actor: Actor,
  now: number,
): Promise<string> {
  const record = await loaded(store, instanceId);
  const commit = planCommit(
    record,
    { snapshot: { value: record.state, context: record.context, status: 'active' } as never, actions: [] },
    record.snapshot,
    { instanceId, workflow: record.workflow, version: record.version, initiator: record.initiator, kind: 'event', event: { type: 'LEGACY' }, actor, now },
    undefined,
  );
  const owner = row.rowInstance ?? instanceId;
  const revision = commit.instance.revision;
  const id = `${owner}:${revision}:${row.key}`;
  const orphan = { id, instanceId: owner, key: row.key, name: row.name, event: { type: row.key }, dueAt: row.dueAt, revision, status: 'pending' as const };
  await store.commit({ ...commit, addTimers: [...commit.addTimers, orphan] });
  return id;
}
