import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  // No timing is asserted (speed lives in bench/); the timeout only stops a hung run.
  it('runs the quarter and the bid-to-contract story on SQLite without input, and exits 0', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/2026-10-08 09:00 周四\s+策略 2027Q1\s+scheduled → survey\s+⏱ kickoff/);
    expect(out).toMatch(/2026-11-27 16:00 周五\s+合同 HT-SZ-2026-031\s+∅ → draft/);
    expect(out).toMatch(/策略 2027Q1\s+strategy-cycle\s+released\s+done/);
    expect(out).toMatch(/合同 HT-SZ-2026-031\s+contract-approval\s+closed\s+done/);
    expect(out).not.toMatch(/BROKEN/);
    // A provisional deadline is listed only for an instance still running: both end done here.
    expect(out).not.toMatch(/^  provisional: /m);
  });

  // Regression: an English reader met 休, 调休 and 暂定 after the dates unexplained, and a Chinese
  // reader an English-only summary. A legend in both languages follows the heading, and the summary's
  // note on the provisional year is said in Chinese too.
  it('explains its day marks in English and Chinese, and says the provisional year in both', async () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { encoding: 'utf8', timeout: 60_000 });
    const { LEGEND } = await import('../examples/demo-day.js');
    const head = out.split('\n').slice(0, 6);
    for (const line of LEGEND) expect(head).toContain(line);
    expect(out).toMatch(/2027-01-09 14:00 周六 休 暂定/);
    expect(out).toMatch(/^  2027 is provisional: /m);
    expect(out).toMatch(/^  2027 年为暂定：标「暂定」的日期按法定假日估算/m);
  });
});
