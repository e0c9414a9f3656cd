import Database from 'better-sqlite3';
import { setup } from 'xstate';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, virtualClock } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };
const historyKey = { id: 'k1', secret: 'a-secret-of-at-least-thirty-two-bytes!!' };

const waitWorkflow = defineWorkflow({
  id: 'wait',
  version: 1,
  machine: setup({}).createMachine({ id: 'wait', initial: 'waiting', states: { waiting: { after: { 3600000: 'timedOut' } }, timedOut: { type: 'final' } } }),
  input: z.object({}),
  events: {},
});

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

describe('tamper evidence: the pending timers are part of what the chain vouches for', () => {
  // Each history entry commits to the pending timers it leaves (timersHash, entry format 3): verify
  // compares both stored copies (the instance's list and the timer table) with the head, and timer
  // delivery refuses a claimed timer the head did not commit to (CORRUPT_SNAPSHOT on `error`).
  it('a deadline moved earlier in docket_timers is caught by verify and is not fired', async () => {
    const { filename, remove } = sqliteFile('attack tamper timer moved earlier');
    remove();
    cleanups.push(remove);
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: sqliteStore({ filename }), clock, workflows: [waitWorkflow], historyKey });
    const id = await engine.start('wait', {}, { actor: someone });
    expect((await engine.verify(id)).ok).toBe(true);
    const db = new Database(filename);
    db.prepare('UPDATE docket_timers SET due_at = ?, ready_at = ? WHERE instance_id = ?').run(at('09:05'), at('09:05'), id);
    const row = db.prepare('SELECT timers FROM docket_instances WHERE id = ?').get(id) as { timers: string };
    db.prepare('UPDATE docket_instances SET timers = ? WHERE id = ?').run(row.timers.replace(String(at('10:00')), String(at('09:05'))), id);
    db.close();
    const edited = await engine.verify(id);
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    expect(await clock.advanceTo(at('09:30'))).toEqual([]);
    await engine.close();
    // The edit is reported (in both copies), and the instance is not timed out 55 minutes early.
    expect(edited).toMatchObject({ ok: false, snapshot: 'verified', timers: 'mismatch' });
    expect(edited.problems.map((p) => [p.revision, p.problem])).toEqual([
      [1, 'timers-mismatch'],
      [1, 'timers-mismatch'],
    ]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => (e as { code?: string; details?: { problem?: string } }).code === 'CORRUPT_SNAPSHOT' && (e as { details: { problem?: string } }).details.problem === 'timers-mismatch')).toBe(true);
    const reopened = createEngine({ store: sqliteStore({ filename }), clock: virtualClock(at('09:30')), workflows: [waitWorkflow], historyKey });
    try {
      expect((await reopened.get(id)).state).toBe('waiting');
    } finally {
      await reopened.close();
    }
  });
});
