// A bad value for any CLI option is refused as the library refuses a bad argument: exit 2, code
// INVALID_ARGUMENT, `field` naming the option (in --json, and in the zh-CN line), no stack trace, and
// nothing written. Before, --lang, --format, --on-missing-year, --schema, --store, --path, --input,
// --older-than, --mode, --reason and --history-key-file were refused as USAGE with no field; every
// refusal of migrate, retain and calendar reresolve lost the library's field on its way out
// (withAdminEngine); and --schema with a SQLite file was ignored (exit 0, the file's instances listed
// as if they were that schema's).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { errorTextZh } from '../src/cli/error-text-zh.js';

const dir = join(tmpdir(), `docket-hostile-cli-${process.pid}`);
const db = join(dir, 'd.db');

async function docket(args: readonly string[], lang = 'en_US.UTF-8'): Promise<{ code: number; stdout: string; stderr: string; error?: { code: string; field?: string; messageZh?: string } }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--json', ...args], {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: { LANG: lang, SQLITE_USE_URI: '1' },
    now: () => Date.UTC(2026, 8, 10),
    cwd: dir,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('{"error"'));
  return { code, stdout, stderr, ...(line === undefined ? {} : { error: JSON.parse(line).error }) };
}

const digest = () => createHash('sha256').update(readFileSync(db)).digest('hex');

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const made = await docket(['simulate', 'expense-reimbursement', '--from', '2026-09-01', '--store', `sqlite:${db}`]);
  expect(made.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const migrate = (...extra: string[]) => ['migrate', db, '--workflow', 'expense-reimbursement', '--from', '1', '--to', '2', '--dry-run', '--reason', 'r', ...extra];

describe('a bad option value is INVALID_ARGUMENT naming the option, exit 2, nothing written', () => {
  it.each([
    ['lang', ['--lang', 'fr', 'workflows']],
    ['format', ['diagram', 'expense-reimbursement', '--format', 'png']],
    ['on-missing-year', ['--on-missing-year', 'never', 'calendar']],
    ['schema', ['--schema', 'a-b', 'list', db]],
    ['schema', ['--schema', 'tenant_b', 'list', db]],
    ['schema', ['--schema', 'tenant_b', 'retain', db, '--older-than', '1d', '--dry-run']],
    ['store', ['simulate', 'expense-reimbursement', '--store', 'redis://x']],
    ['store', ['simulate', 'expense-reimbursement', '--store', 'sqlite:/nonexistent/dir/x.db']],
    ['path', ['simulate', 'expense-reimbursement', '--path', 'fast']],
    ['input', ['simulate', 'expense-reimbursement', '--input', '{']],
    ['input', ['simulate', 'expense-reimbursement', '--input', '{"items":5}']],
    ['older-than', ['retain', db, '--older-than', '90', '--dry-run']],
    ['mode', ['retain', db, '--older-than', '1d', '--mode', 'delete', '--dry-run']],
    ['reason', ['migrate', db, '--workflow', 'expense-reimbursement', '--from', '1', '--to', '2', '--reason', ' ']],
    ['history-key-file', ['verify', db, '--history-key-file', join(dir, 'missing.json')]],
    // The library's field, kept by the admin commands (it was dropped).
    ['reason', migrate('--reason', 'a\u0000b')],
    ['actor.id', migrate('--actor', 'a\u0000b')],
  ])('%s', async (field, args) => {
    const before = digest();
    const r = await docket(args);
    expect([r.code, r.error?.code, r.error?.field]).toEqual([2, 'INVALID_ARGUMENT', field]);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(digest()).toBe(before);
  });

  it('the zh-CN line names the option and says what to give', async () => {
    const r = await docket(['retain', db, '--older-than', '1d', '--mode', 'delete'], 'zh_CN.UTF-8');
    expect(r.stderr.split('\n')[0]).toBe(`docket: ${errorTextZh('INVALID_ARGUMENT', 'mode')}`);
    expect(r.stderr).toContain('--mode');
    expect(r.error?.messageZh).toContain('archive');
  });

  it('migrate to a version the CLI does not know names it: WORKFLOW_NOT_FOUND, field to, exit 2', async () => {
    const before = digest();
    const r = await docket(migrate());
    expect([r.code, r.error?.code, r.error?.field]).toEqual([2, 'WORKFLOW_NOT_FOUND', 'to']);
    expect(digest()).toBe(before);
  });
});

describe('property: any value of any option is taken, or refused with a code (INVALID_ARGUMENT naming a field), never a crash or a write', () => {
  const sites: [string, (v: string) => string[]][] = [
    ['--lang', (v) => ['--lang', v, 'workflows']],
    ['--tz', (v) => ['--tz', v, 'list', db]],
    ['--schema', (v) => ['--schema', v, 'list', db]],
    ['--on-missing-year', (v) => ['--on-missing-year', v, 'calendar', '--from', '2026', '--to', '2026']],
    ['--format', (v) => ['diagram', 'expense-reimbursement', '--format', v]],
    ['--limit', (v) => ['list', db, '--limit', v]],
    ['--status', (v) => ['list', db, '--status', v]],
    ['--older-than', (v) => ['retain', db, '--older-than', v, '--dry-run']],
    ['--mode', (v) => ['retain', db, '--older-than', '1d', '--mode', v, '--dry-run']],
    ['--reason', (v) => migrate('--reason', v)],
    ['--state', (v) => migrate('--state', v)],
    ['--year', (v) => ['calendar', '--from', v]],
  ];
  it('holds', async () => {
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('', ' ', '\u0000', '../', '-1', '0', 'NaN', '1e309', '99999999999999999999', '__proto__', 'constructor', '\u001b[31m', 'x'.repeat(3000)));
    const before = digest();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...sites), value, async ([, make], v) => {
        const r = await docket(make(v));
        expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
        if (r.code !== 0) {
          expect(r.error?.code).toEqual(expect.any(String));
          if (r.error?.code === 'INVALID_ARGUMENT' || r.error?.code === 'USAGE') expect(r.error.field ?? '', JSON.stringify([make(v), r.error])).not.toBe('');
        }
      }),
      { numRuns: 150 },
    );
    expect(digest()).toBe(before);
  });
});
