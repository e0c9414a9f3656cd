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
});
