// Regression: `--tz` (and a config file's `tz`) was checked with luxon's `DateTime.now().setZone(tz)`,
// which also takes 'local', 'system' and 'default': the machine's own zone. `docket --tz local
// simulate … --json` printed `"from": "2026-10-08 01:00"` on a machine on UTC and `"2026-10-07 21:00"`
// on one in New York, for the same command and the same instants. Fixed offsets ('utc+8') passed too,
// though the option says an IANA zone. Those are refused now (exit 2, INVALID_ARGUMENT, field `tz`):
// printed times depend on the zone named, never on the machine's.
import { afterEach, describe, expect, it } from 'vitest';
import { docket } from './helpers/cli-runner.js';

const NOW = Date.parse('2026-11-02T00:00:00Z');
const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

async function simulateFrom(tz: string): Promise<{ code: number; from?: string; error?: { code: string; field?: string; message: string } }> {
  const r = await docket(['--tz', tz, 'simulate', 'bid-review', '--from', '2026-10-08', '--to', '2026-10-20', '--json'], NOW);
  const out = JSON.parse(r.stdout) as { from?: string; error?: { code: string; field?: string; message: string } };
  return { code: r.code, ...out };
}

describe('--tz names an IANA zone; the machine zone is refused', () => {
  it.each(['local', 'system', 'default', 'utc+8', 'UTC+08:00'])('--tz %s: exit 2, INVALID_ARGUMENT naming tz, nothing run', async (tz) => {
    for (const machine of ['UTC', 'America/New_York']) {
      process.env.TZ = machine;
      const r = await simulateFrom(tz);
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'tz' });
      expect(r.error!.message).toContain(`Unknown time zone "${tz}": use an IANA zone such as Asia/Shanghai`);
      expect(r.from).toBeUndefined();
    }
  });

  it('an IANA zone prints the same times on machines in any zone', async () => {
    const seen = new Set<string>();
    for (const machine of ['UTC', 'America/New_York', 'Pacific/Chatham', 'Asia/Kolkata']) {
      process.env.TZ = machine;
      for (const tz of ['Asia/Shanghai', 'UTC', 'Europe/Berlin']) {
        const r = await simulateFrom(tz);
        expect(r.code).toBe(0);
        seen.add(`${tz} ${r.from}`);
      }
    }
    expect([...seen].sort()).toEqual(['Asia/Shanghai 2026-10-08 09:00', 'Europe/Berlin 2026-10-08 03:00', 'UTC 2026-10-08 01:00']);
  });
});
