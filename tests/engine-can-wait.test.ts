// engine.can answers like send without changing anything; engine.waitFor resolves on the engine's
// own transition events (virtual clock, no real timers, no polling).
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { admin, manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

const T0 = Date.UTC(2026, 10, 2, 1, 0);

function setup() {
  const store = memoryStore();
  const clock = virtualClock(T0);
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
  return { store, clock, engine };
}

describe('engine.can', () => {
  it('answers what send would do, for each kind of refusal, and changes nothing', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'Q4' }, { actor: staff });
    const before = { view: await engine.get(id), history: await engine.history(id, { includeRefused: true }) };
    let transitions = 0;
    let refusals = 0;
    engine.on('transition', () => transitions++);
    engine.on('refused', () => refusals++);

    expect(await engine.can(id, { type: 'SUBMIT' }, staff)).toEqual({ ok: true });
    expect(await engine.can(id, { type: 'SUBMIT' }, manager)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await engine.can(id, { type: 'APPROVE' }, manager)).toMatchObject({ ok: false, code: 'EVENT_NOT_ACCEPTED' });
    expect(await engine.can(id, { type: 'NOPE' } as never, staff)).toMatchObject({ ok: false, code: 'UNKNOWN_EVENT' });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    expect(await engine.can(id, { type: 'REJECT', comment: 3 } as never, manager)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await engine.can(id, { type: 'REJECT', comment: 'redo' }, manager)).toEqual({ ok: true });
    await engine.suspend(id, { actor: admin, reason: 'audit' });
    expect(await engine.can(id, { type: 'APPROVE' }, manager)).toMatchObject({ ok: false, code: 'INSTANCE_NOT_ACTIVE' });

    const after = await engine.get(id);
    expect(after.revision).toBe(before.view.revision + 2); // the SUBMIT and the suspend, nothing from can()
    expect((await engine.history(id, { includeRefused: true })).filter((h) => h.kind === 'refused')).toEqual([]);
    expect(transitions).toBe(2);
    expect(refusals).toBe(0);
    await expect(engine.can('missing', { type: 'SUBMIT' }, staff)).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    await expect(engine.can(id, { type: 'SUBMIT' }, { id: 'x' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.close();
  });
});

describe('engine.waitFor', () => {
  it("resolves 'done' when a deadline and a decision finish the instance, with the final view", async () => {
    const { engine, clock } = setup();
    const id = await engine.start('review', { title: 'Q4' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    const escalated = engine.waitFor(id, (v) => v.state === 'escalated');
    const done = engine.waitFor(id, 'done');
    let settled = false;
    void done.then(() => (settled = true));
    await clock.advanceBy(4 * 86_400_000); // the 3-day review deadline fires
    expect((await escalated).state).toBe('escalated');
    expect(settled).toBe(false);
    await engine.send(id, { type: 'APPROVE' }, { actor: manager });
    const final = await done;
    expect(final).toMatchObject({ id, state: 'approved', status: 'done' });
    await engine.close();
  });

  it('resolves at once when the condition already holds; ignores other instances', async () => {
    const { engine } = setup();
    const a = await engine.start('review', { title: 'A' }, { actor: staff });
    const b = await engine.start('review', { title: 'B' }, { actor: staff });
    expect((await engine.waitFor(a, (v) => v.state === 'draft')).revision).toBe(1);
    const waiting = engine.waitFor(a, (v) => v.state === 'reviewing');
    let seen: string | undefined;
    void waiting.then((v) => (seen = v.id));
    await engine.send(b, { type: 'SUBMIT' }, { actor: staff });
    await Promise.resolve();
    expect(seen).toBeUndefined();
    await engine.send(a, { type: 'SUBMIT' }, { actor: staff });
    expect((await waiting).id).toBe(a);
    await engine.close();
  });

  it('rejects with the abort reason, with ENGINE_CLOSED on close, with INSTANCE_NOT_FOUND, and with what the predicate throws', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'Q4' }, { actor: staff });
    const controller = new AbortController();
    const aborted = engine.waitFor(id, 'done', { signal: controller.signal });
    controller.abort(new Error('user left the page'));
    await expect(aborted).rejects.toThrow('user left the page');
    await expect(engine.waitFor('missing', 'done')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    await expect(
      engine.waitFor(id, () => {
        throw new Error('bad predicate');
      }),
    ).rejects.toThrow('bad predicate');
    const pending = engine.waitFor(id, 'done');
    await engine.close();
    const error = await pending.catch((e: unknown) => e);
    expect(isDocketError(error) && error.code).toBe('ENGINE_CLOSED');
  });
});
