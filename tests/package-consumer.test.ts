// A consumer app as a user builds it: `npm pack` of docket installed next to the LOWEST supported
// xstate and zod (the peer ranges' floors, read from package.json), the README quickstart
// (examples/quickstart.ts) type-checked with `tsc` and run, one copy of xstate in the tree, no CLI or
// visualizer weight installed, and a clear MISSING_DEPENDENCY when an optional driver is absent.
// It runs twice: on the floors, and on the newest versions this repository develops against (the
// installed devDependencies), so CI covers both ends of the supported range.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The floor of a caret range: `^5.19.4` → `5.19.4`. */
const floor = (range: string) => range.replace(/^[\^~>=\s]+/, '').split(/\s/)[0]!;
const installed = (name: string): string => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const ends = [
  { xstate: floor(pkg.peerDependencies.xstate), zod: floor(pkg.peerDependencies.zod) },
  { xstate: installed('xstate'), zod: installed('zod') },
];
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let packed: { dir: string; tarball: string } | undefined;

/** `npm pack` once for both ends. */
function pack(): { dir: string; tarball: string } {
  if (packed) return packed;
  const dir = mkdtempSync(join(tmpdir(), 'docket-consumer-'));
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
  packed = { dir, tarball: join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!) };
  return packed;
}
afterAll(() => packed && rmSync(packed.dir, { recursive: true, force: true }));

const driverScript = (kind: 'esm' | 'cjs') => `
${kind === 'esm' ? "import { sqliteStore } from 'docket/sqlite';\nimport { postgresStore } from 'docket/postgres';\nimport { docketTelemetry } from 'docket/otel';" : "const { sqliteStore } = require('docket/sqlite');\nconst { postgresStore } = require('docket/postgres');\nconst { docketTelemetry } = require('docket/otel');"}
const seen = [];
(async () => {
  try { await sqliteStore({ filename: ':memory:' }).init(); } catch (e) { seen.push({ code: e.code, pkg: e.details && e.details.package, message: e.message }); }
  try { postgresStore({ connectionString: 'postgres://127.0.0.1:1/x' }); } catch (e) { seen.push({ code: e.code, pkg: e.details && e.details.package, message: e.message }); }
  try { docketTelemetry(); } catch (e) { seen.push({ code: e.code, pkg: e.details && e.details.package, message: e.message }); }
  console.log(JSON.stringify(seen));
})();
`;

describe.each(ends)('a consumer app on xstate $xstate and zod $zod', ({ xstate, zod }) => {
  let app: string;
  beforeAll(() => {
    const { dir, tarball } = pack();
    app = join(dir, `app-${xstate}-${zod}`);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `xstate@${xstate}`, `zod@${zod}`], { cwd: app, stdio: 'pipe' });
    const quickstart = readFileSync(join(root, 'examples', 'quickstart.ts'), 'utf8').replace("'../src/index.js'", "'docket'");
    expect(quickstart).toContain("from 'docket'");
    writeFileSync(join(app, 'quickstart.ts'), quickstart);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, lib: ['ES2022', 'DOM'], outDir: 'out', types: [], skipLibCheck: false },
      files: ['quickstart.ts'],
    }));
    writeFileSync(join(app, 'drivers.mjs'), driverScript('esm'));
    writeFileSync(join(app, 'drivers.cjs'), driverScript('cjs'));
  }, 240_000);

  it('installs the requested peers once, shared with docket (no nested copy)', () => {
    const version = (name: string) => JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
    expect([version('xstate'), version('zod')]).toEqual([xstate, zod]);
    expect(existsSync(join(app, 'node_modules', 'docket', 'node_modules', 'xstate'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'docket', 'node_modules', 'zod'))).toBe(false);
  });

  it('type-checks the README quickstart with tsc (lib check on) and runs it', () => {
    const checked = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: app, encoding: 'utf8' });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    const run = spawnSync(process.execPath, [join('out', 'quickstart.js')], { cwd: app, encoding: 'utf8' });
    expect(run.status).toBe(0); // (stderr may carry the calendar's warnings about estimated years)
    expect(run.stdout).toMatch(/^autoApproved /); // three working days after 2026-09-30, across 国庆
  });

  it('installs no CLI or visualizer weight, and the docket bin still runs', () => {
    const installed = readdirSync(join(app, 'node_modules'));
    for (const heavy of ['elkjs', 'commander', 'string-width', 'hono', 'better-sqlite3', 'pg', '@opentelemetry']) expect(installed).not.toContain(heavy);
    expect(existsSync(join(app, 'node_modules', '@xstate', 'graph'))).toBe(false);
    const help = spawnSync(join(app, 'node_modules', '.bin', 'docket'), ['--help'], { cwd: app, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/diagram/);
  });

  it('the docket bin names the missing package (MISSING_DEPENDENCY, exit 2) instead of calling the database corrupt', () => {
    // Regression: without better-sqlite3, `docket list app.db --json` answered code DB_CORRUPT, and
    // `docket diagram` without elkjs exited 1 (a found problem) instead of 2 (an unusable setup).
    const bin = join(app, 'node_modules', '.bin', 'docket');
    writeFileSync(join(app, 'some.db'), '');
    const runs = [
      { args: ['list', 'some.db', '--json'], pkg: 'better-sqlite3' },
      { args: ['simulate', 'contract-approval', '--from', '2026-11-02', '--store', 'sqlite:new.db', '--json'], pkg: 'better-sqlite3' },
      { args: ['list', 'postgres://127.0.0.1:1/x', '--json'], pkg: 'pg' },
      { args: ['diagram', 'contract-approval', '--json'], pkg: 'elkjs' },
    ];
    for (const { args, pkg } of runs) {
      const run = spawnSync(bin, args, { cwd: app, encoding: 'utf8' });
      const error = JSON.parse(run.stdout.trim().split('\n').at(-1)!).error as { code: string; message: string };
      expect([args[0], run.status, error.code], run.stderr).toEqual([args[0], 2, 'MISSING_DEPENDENCY']);
      expect(error.message).toContain(`npm install ${pkg}`);
    }
    expect(existsSync(join(app, 'new.db'))).toBe(false);
  });

  it.each(['drivers.mjs', 'drivers.cjs'])('names the driver to install when it is missing (%s)', (file) => {
    const out = execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' });
    const seen = JSON.parse(out.trim());
    // docket/otel too: importing it without @opentelemetry/api was a raw ERR_MODULE_NOT_FOUND.
    expect(seen.map((s: { code: string; pkg: string }) => [s.code, s.pkg])).toEqual([['MISSING_DEPENDENCY', 'better-sqlite3'], ['MISSING_DEPENDENCY', 'pg'], ['MISSING_DEPENDENCY', '@opentelemetry/api']]);
    expect(seen[0].message).toContain('npm install better-sqlite3');
    expect(seen[1].message).toContain('npm install pg');
    expect(seen[2].message).toContain('npm install @opentelemetry/api');
  });
});
