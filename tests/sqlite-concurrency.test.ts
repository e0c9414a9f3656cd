import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEngine, virtualClock } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { staff } from './fixtures/review-workflow.js';
import { counterWorkflow } from './helpers/counter-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { expectTimerChain } from './helpers/timer-chain.js';

// Several processes, each with its own engine, store connection, workerId and virtual clock visiting
// the same instants, on ONE SQLite file: they send conflicting events to the same instances and
// race for the same hourly timers. The store's per-connection knowledge of rows (forgotten when
// `PRAGMA data_version` moves), the engine's cache of its own writes, timer claims and the revision
// check must keep every acknowledged update, fire every timer once and leave no revision gap.

const PROCESSES = 3;
const STEPS = 24;
const INSTANCES = 4;
const START = Date.parse('2026-11-02T09:00:00+08:00');
const END = START + STEPS * 20 * 60_000;
const HOUR = 3_600_000;

function runWorker(filename: string, index: number, ids: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/contend-worker.ts', filename, String(index), ids.join(','), String(STEPS), String(START)], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`worker ${index} exited ${code}: ${err.slice(-2000)}`))));
  });
}

describe('sqlite: several processes on one file and the same instances', () => {
  it('keeps revisions gapless, loses no update and fires every timer once', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const store = sqliteStore({ filename });
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow], workerId: 'setup' });
      const ids: string[] = [];
      for (let i = 0; i < INSTANCES; i++) ids.push(await engine.start('counter', {}, { actor: staff, id: `c${i}` }));
      await engine.close();

      const outputs = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker(filename, i, ids)));
      const lines = outputs.flat();
      const acks = lines.filter((l) => l.startsWith('ACK '));
      const fires = lines.filter((l) => l.startsWith('FIRE '));
      expect(lines.filter((l) => l.startsWith('ERR ') || l.startsWith('NACK '))).toEqual([]);
      expect(outputs.every((o) => o.at(-1) === 'DONE')).toBe(true);

      let history = 0;
      const pendingDue: [string, number][] = [];
      for (const id of ids) {
        const record = (await store.load(id))!;
        const entries = await store.history(id);
        history += entries.length;
        expect(entries.map((e) => e.revision)).toEqual(entries.map((_, i) => i + 1));
        expect(record.revision).toBe(entries.length);
        const acked = acks.filter((l) => l.split(' ')[1] === id);
        const context = record.context as { count: number; ticks: number };
        // Every acknowledged INC is in the history and the count, and no two processes were told the same revision.
        expect([entries.filter((e) => e.event.type === 'INC').length, context.count]).toEqual([acked.length, acked.length]);
        expect(new Set(acked.map((l) => l.split(' ')[2])).size).toBe(acked.length);
        const timers = entries.filter((e) => e.kind === 'timer');
        expect(new Set(timers.map((e) => e.timer?.dueAt)).size).toBe(timers.length);
        expect(context.ticks).toBe(timers.length);
        // Every link of the hourly chain due by END fired, once (see expectTimerChain); the one left is due after END.
        pendingDue.push([id, expectTimerChain(timers, START, HOUR)]);
        expect((await createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] }).verify(id)).ok).toBe(true);
      }
      const db = new Database(filename, { readonly: true });
      const fired = (db.prepare(`SELECT COUNT(*) AS n FROM docket_timers WHERE status = 'fired'`).get() as { n: number }).n;
      const pending = db.prepare(`SELECT instance_id AS id, due_at AS due FROM docket_timers WHERE status = 'pending' ORDER BY instance_id`).all() as { id: string; due: number }[];
      db.close();
      console.log(`concurrency (sqlite): ${PROCESSES} processes, ${acks.length} acknowledged sends, ${fires.length} timer firings, ${history} history entries`);
      expect(fired).toBe(fires.length);
      expect(pending.map((p) => [p.id, p.due])).toEqual(pendingDue);
      expect(pending.every((p) => p.due > END)).toBe(true);
      expect(history).toBe(INSTANCES + acks.length + fires.length);
      expect(acks.length).toBe(PROCESSES * STEPS * 4);
      await store.close();
    } finally {
      remove();
    }
  });
});
