import { expect } from 'vitest';
import type { HistoryEntry } from '../../src/index.js';

/**
 * Checks the chain of a timer that re-arms itself `everyMs` after it FIRES (the counter workflow's
 * hourly tick) and returns the due instant of the link still pending.
 *
 * In the multi-process tests each process has its own virtual clock, and a claim's lease is read on
 * the reader's clock: a process that finds a timer claimed by another waits out the lease on its own
 * clock (30 s of virtual time, no real time) and may fire it then, once, late. So the number of links
 * by the end depends on the interleaving; what does not is that each link was armed from the one
 * before it, and that every link due by the end fired.
 */
export function expectTimerChain(timers: readonly HistoryEntry[], startMs: number, everyMs: number): number {
  let armedAt = startMs;
  for (const entry of timers) {
    expect(entry.timer!.dueAt).toBe(armedAt + everyMs);
    armedAt = entry.timer!.dueAt + entry.timer!.lateMs;
  }
  return armedAt + everyMs;
}
