import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, virtualClock } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { staff } from './fixtures/review-workflow.js';
import { counterWorkflow } from './helpers/counter-workflow.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { expectTimerChain } from './helpers/timer-chain.js';

const PROCESSES = 4;
const STEPS = 36;
const INSTANCES = 6;
const START = Date.parse('2026-11-02T09:00:00+08:00');
const END = START + STEPS * 20 * 60_000;

const available = await requirePostgres('postgres concurrency test');
let pool: pg.Pool;
beforeAll(() => {
  if (available) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

function runWorker(schema: string, index: number, ids: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/contend-worker.ts', schema, String(index), ids.join(','), String(STEPS), String(START)], {
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

describe.skipIf(!available)('postgres: several processes on the same instances', () => {
  it('keeps revisions gapless, loses no update and fires every timer once', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow], workerId: 'setup' });
      const ids: string[] = [];
      for (let i = 0; i < INSTANCES; i++) ids.push(await engine.start('counter', {}, { actor: staff, id: `c${i}` }));
      await engine.close();

      const outputs = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker(schema, i, ids)));
      const lines = outputs.flat();
      const acks = lines.filter((l) => l.startsWith('ACK '));
      const nacks = lines.filter((l) => l.startsWith('NACK '));
      const fires = lines.filter((l) => l.startsWith('FIRE '));
      const conflicts = lines.filter((l) => l.startsWith('CONFLICTS ')).reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
      expect(lines.filter((l) => l.startsWith('ERR '))).toEqual([]);
      expect(outputs.every((o) => o.at(-1) === 'DONE')).toBe(true);

      let history = 0;
      let timerEntries = 0;
      let gaps = 0;
      let lost = 0;
      let doubleFired = 0;
      const pendingDue: [string, number][] = [];
      for (const id of ids) {
        const record = (await store.load(id))!;
        const entries = await store.history(id);
        history += entries.length;
        if (entries.some((e, i) => e.revision !== i + 1) || record.revision !== entries.length) gaps++;
        const incs = entries.filter((e) => e.event.type === 'INC').length;
        const acked = acks.filter((l) => l.split(' ')[1] === id).length;
        const context = record.context as { count: number; ticks: number };
        if (incs !== acked || context.count !== acked) lost++;
        const timers = entries.filter((e) => e.kind === 'timer');
        timerEntries += timers.length;
        doubleFired += timers.length - new Set(timers.map((e) => e.timer?.dueAt)).size;
        if (context.ticks !== timers.length) lost++;
        // Every link of the hourly chain due by END fired, once; the one left is due after END.
        pendingDue.push([id, expectTimerChain(timers, START, 3_600_000)]);
        // Each acknowledged revision is distinct: no two processes were told they wrote the same one.
        const revisions = acks.filter((l) => l.split(' ')[1] === id).map((l) => l.split(' ')[2]);
        if (new Set(revisions).size !== revisions.length) lost++;
      }
      const { rows } = await pool.query(`SELECT COUNT(*)::int AS n FROM "${schema}".docket_timers WHERE status = 'fired'`);
      const pending = await pool.query(`SELECT instance_id AS id, due_at AS due FROM "${schema}".docket_timers WHERE status = 'pending' ORDER BY instance_id`);
      console.log(
        `concurrency (postgres): ${PROCESSES} processes, ${acks.length} acknowledged sends, ${conflicts} store conflicts retried, ${nacks.length} gave up, ` +
          `${fires.length} timer firings, ${history} history entries, ${gaps} revision gaps, ${lost} lost updates, ${doubleFired} double-fired timers`,
      );
      expect(conflicts).toBeGreaterThan(0);
      expect(gaps).toBe(0);
      expect(lost).toBe(0);
      expect(doubleFired).toBe(0);
      expect(timerEntries).toBe(fires.length);
      expect(rows[0].n).toBe(fires.length);
      expect(pending.rows.map((p: { id: string; due: string | number }) => [p.id, Number(p.due)])).toEqual(pendingDue);
      expect(pendingDue.every(([, due]) => due > END)).toBe(true);
      expect(history).toBe(INSTANCES + acks.length + fires.length);
      expect(acks.length).toBeGreaterThan(PROCESSES * STEPS * 2);
      expect(fires.length).toBeGreaterThanOrEqual(INSTANCES * 10);
      await store.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });
});
