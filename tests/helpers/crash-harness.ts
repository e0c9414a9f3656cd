import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { createEngine, virtualClock, type InstanceRecord, type Store } from '../../src/index.js';
import { reviewWorkflow } from '../fixtures/review-workflow.js';

const YEAR = 365 * 86_400_000;
export const CRASH_BASE = Date.parse('2026-01-05T09:00:00+08:00');

export interface CrashLog {
  readonly acks: { id: string; revision: number; type: string }[];
  readonly fires: { instanceId: string; timerId: string }[];
  readonly errors: string[];
  kills: number;
}

/**
 * Run the crash worker `runs` times, SIGKILL-ing it at a random moment (real time, bounded) after
 * it said READY. Only lines the worker printed are counted: each follows an acknowledged act.
 */
export async function runAndKill(kind: 'sqlite' | 'postgres', target: string, runs: number, minMs = 300, maxMs = 1200): Promise<CrashLog> {
  const log: CrashLog = { acks: [], fires: [], errors: [], kills: 0 };
  for (let run = 0; run < runs; run++) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/crash-worker.ts', kind, target, String(CRASH_BASE + run * YEAR), String(run)], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let buffer = '';
      let stderr = '';
      let killer: NodeJS.Timeout | undefined;
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const [tag, a, b, c] = line.split(' ');
          if (tag === 'ACK') log.acks.push({ id: a!, revision: Number(b), type: c! });
          else if (tag === 'FIRE') log.fires.push({ instanceId: a!, timerId: b! });
          else if (tag === 'ERR') log.errors.push(line);
          else if (tag === 'READY' && !killer) {
            killer = setTimeout(() => child.kill('SIGKILL'), minMs + Math.random() * (maxMs - minMs));
          }
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(killer);
        if (signal === 'SIGKILL') {
          log.kills++;
          resolve();
        } else reject(new Error(`crash worker exited by itself (code ${code}, signal ${signal}): ${stderr.slice(-2000)}`));
      });
    });
  }
  return log;
}

export interface CrashCheck {
  readonly instances: number;
  readonly historyEntries: number;
  readonly acknowledged: number;
  readonly missing: string[];
  readonly timerEntries: number;
  readonly duplicateTimerEntries: number;
  readonly firedAfterRestart: number;
  readonly stillDue: number | undefined;
  readonly brokenChains: number;
  readonly tableMismatches: string[];
}

/**
 * After the last kill: open the store as a restarted process would, fire everything due, and check
 * that nothing acknowledged was lost and no timer fired twice.
 */
export async function verifyAfterCrash(store: Store, log: CrashLog, firedInTable: () => Promise<Map<string, number>>, runs: number): Promise<CrashCheck> {
  await store.init();
  const now = CRASH_BASE + (runs + 1) * YEAR;
  const clock = virtualClock(now);
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow], workerId: 'verifier' });
  const fired = await clock.flush();
  const records: InstanceRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit: 200, ...(cursor === undefined ? {} : { cursor }) });
    records.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const missing: string[] = [];
  const histories = new Map<string, Awaited<ReturnType<Store['history']>>>();
  let historyEntries = 0;
  let timerEntries = 0;
  let duplicateTimerEntries = 0;
  let brokenChains = 0;
  for (const record of records) {
    await engine.get(record.id);
    const entries = await store.history(record.id);
    histories.set(record.id, entries);
    historyEntries += entries.length;
    if (!(await engine.verify(record.id)).ok) brokenChains++;
    const timers = entries.filter((e) => e.kind === 'timer');
    timerEntries += timers.length;
    const keys = new Set(timers.map((e) => `${e.timer?.name}@${e.timer?.dueAt}`));
    duplicateTimerEntries += timers.length - keys.size;
  }
  for (const ack of log.acks) {
    const entry = histories.get(ack.id)?.[ack.revision - 1];
    if (!entry || entry.revision !== ack.revision || entry.event.type !== ack.type) missing.push(`${ack.id}@${ack.revision}:${ack.type}`);
  }
  const table = await firedInTable();
  const tableMismatches: string[] = [];
  for (const [id, entries] of histories) {
    const inHistory = entries.filter((e) => e.kind === 'timer').length;
    if ((table.get(id) ?? 0) !== inHistory) tableMismatches.push(`${id}: table ${table.get(id) ?? 0}, history ${inHistory}`);
  }
  const next = await store.nextTimerDue();
  await engine.close();
  return {
    instances: records.length,
    historyEntries,
    acknowledged: log.acks.length,
    missing,
    timerEntries,
    duplicateTimerEntries,
    firedAfterRestart: fired.length,
    stillDue: next !== undefined && next <= now ? next : undefined,
    brokenChains,
    tableMismatches,
  };
}

/**
 * Report the counts of a crash run and assert what every store must guarantee after SIGKILLs:
 * every acknowledged event in the history, no timer fired twice, every due timer fired.
 */
export function expectCrashSurvived(label: string, log: CrashLog, check: CrashCheck, kills: number): void {
  console.log(
    `crash (${label}): ${log.kills} kills, ${check.acknowledged} acknowledged sends, ${log.fires.length} timers fired before kills, ` +
      `${check.firedAfterRestart} fired after restart, ${check.instances} instances, ${check.historyEntries} history entries, ` +
      `${check.timerEntries} timer entries, ${check.missing.length} missing, ${check.duplicateTimerEntries} double-fired`,
  );
  expect(log.kills).toBe(kills);
  expect(log.errors).toEqual([]);
  expect(check.acknowledged).toBeGreaterThan(50);
  expect(log.fires.length).toBeGreaterThan(0);
  expect(check.missing).toEqual([]);
  expect(check.duplicateTimerEntries).toBe(0);
  expect(check.tableMismatches).toEqual([]);
  expect(check.brokenChains).toBe(0);
  expect(check.stillDue).toBeUndefined();
}
