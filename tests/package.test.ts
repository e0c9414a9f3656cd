import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm pack` of the built package (tests/global-setup.ts builds dist/ once) installs into an empty
// folder and works from both `import` and `require`.
const root = new URL('..', import.meta.url).pathname;
let dir: string;

const script = (kind: 'esm' | 'cjs') => `
${kind === 'esm' ? "import { createEngine, defineWorkflow, memoryStore, virtualClock, isDocketError } from 'docket';\nimport { setup } from 'xstate';\nimport { z } from 'zod';" : "const { createEngine, defineWorkflow, memoryStore, virtualClock, isDocketError } = require('docket');\nconst { setup } = require('xstate');\nconst { z } = require('zod');"}
const wf = defineWorkflow({
  id: 'w', version: 1, input: z.object({}), events: { GO: z.object({}) },
  machine: setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' }, after: { 1000: 'c' } }, b: { type: 'final' }, c: {} } }),
});
(async () => {
  const clock = virtualClock(0);
  const engine = createEngine({ store: memoryStore(), clock, workflows: [wf] });
  const id = await engine.start('w', {}, { actor: { id: 'u', roles: [] } });
  const err = await engine.send(id, { type: 'NOPE' }, { actor: { id: 'u', roles: [] } }).catch((e) => e);
  const view = await engine.send(id, { type: 'GO' }, { actor: { id: 'u', roles: [] } });
  console.log(JSON.stringify({ state: view.state, status: view.status, code: isDocketError(err) ? err.code : null }));
})();
`;

describe('the npm package', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'docket-pack-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    // elkjs: an optional peer that docket/visualizer needs to lay out SVG diagrams (tested below).
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball), 'xstate@~5.33.3', 'zod@^4', 'elkjs@^0.12.1'], { cwd: app, stdio: 'pipe' });
    writeFileSync(join(app, 'esm.mjs'), script('esm'));
    writeFileSync(join(app, 'cjs.cjs'), script('cjs'));
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['esm.mjs', 'cjs.cjs'])('works from %s', (file) => {
    const out = execFileSync(process.execPath, [file], { cwd: join(dir, 'app'), encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toEqual({ state: 'b', status: 'done', code: 'UNKNOWN_EVENT' });
  });

  it.each([
    ['esm', "import { workflowSvg, workflowMermaid, stateGraph } from 'docket/visualizer';\nimport { contractApproval } from 'docket/machines';", 'vis.mjs'],
    ['cjs', "const { workflowSvg, workflowMermaid, stateGraph } = require('docket/visualizer');\nconst { contractApproval } = require('docket/machines');", 'vis.cjs'],
  ])('exports the visualizer API as docket/visualizer (%s): state graph, SVG and Mermaid of a workflow', (_kind, head, file) => {
    writeFileSync(
      join(dir, 'app', file),
      `${head}\n(async () => { const svg = await workflowSvg(contractApproval, { lang: 'en' }); console.log(JSON.stringify({ svg: svg.startsWith('<svg'), nodes: (svg.match(/class="state-node/g) || []).length, states: stateGraph(contractApproval).nodes.length, mermaid: workflowMermaid(contractApproval, 'zh-CN').split('\\n')[0] })); })();`,
    );
    const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: join(dir, 'app'), encoding: 'utf8' }).trim()) as { svg: boolean; nodes: number; states: number; mermaid: string };
    expect(out).toEqual({ svg: true, nodes: out.states, states: out.states, mermaid: 'stateDiagram-v2' });
    expect(out.states).toBeGreaterThan(3);
  });

  // Regression: a TypeScript project on `"module": "commonjs"` (moduleResolution node10, which ignores
  // `exports`) could not import the types of any subpath: `import { sqliteStore } from 'docket/sqlite'`
  // was TS2307. `typesVersions` maps each subpath for it; node16/nodenext/bundler keep using `exports`.
  it.each([
    ['CommonJS', 'Node10', 'commonjs'],
    ['Node16', 'Node16', 'commonjs'],
    ['NodeNext', 'NodeNext', 'module'],
    ['ESNext', 'Bundler', 'module'],
  ])('types resolve for docket and every subpath export under module %s, moduleResolution %s (package type %s)', (module, resolution, type) => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json').map((k) => (k === '.' ? 'docket' : `docket/${k.slice(2)}`));
    const project = join(dir, 'app', `types-${resolution}-${type}`);
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `types-${resolution}`, private: true, type }));
    // Each import must bring real types: assigning a module namespace to a number is an error, so an
    // unresolved (any) module would leave its @ts-expect-error unused, which is an error too.
    // And the root's types and a subpath's must be one set of declarations: under node10 the root
    // came from `types` (the ESM .d.ts) and each subpath from `typesVersions` (the .d.cts), so a
    // workflow from docket/machines was not a workflow to createEngine (TS2322, two brands).
    const together = [
      "import { createEngine, memoryStore, virtualClock } from 'docket';",
      "import { contractApproval } from 'docket/machines';",
      "import { createHttpHandler } from 'docket/http';",
      "import { replayPaths } from 'docket/testing';",
      'const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [contractApproval] });',
      "export const api = createHttpHandler({ engine, workflows: [contractApproval], identify: async () => ({ id: 'u', roles: [] }) });",
      "export const replay = () => replayPaths(contractApproval, { input: {} as never, start: '2026-09-30T10:00:00+08:00' });",
    ].join('\n');
    writeFileSync(join(project, 'check.ts'), subpaths.map((s, i) => `import * as m${i} from '${s}';\n// @ts-expect-error a module namespace is not a number\nexport const n${i}: number = m${i};\n`).join('') + together + '\n');
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module, moduleResolution: resolution, strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['ES2022', 'DOM'] }, files: ['check.ts'] }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  // Regression: the README's package table and docs/zh-CN.md link docs/machines/ (the processes and
  // how to test your own workflow with docket/testing), but `files` shipped docs/*.md only, so those
  // links were dead in the installed package and on the registry page.
  it('ships every docs page the shipped README and docs link to', () => {
    const listing = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files = new Set<string>(JSON.parse(listing)[0].files.map((f: { path: string }) => f.path));
    const missing: string[] = [];
    for (const page of [...files].filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(root, page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // http:, https:, mailto:
        const path = posix.normalize(posix.join(posix.dirname(page), target!)).replace(/\/$/, '');
        if (path.startsWith('examples/')) continue; // the runnable examples live in the repository (npm run inbox)
        if (!files.has(path) && ![...files].some((f) => f.startsWith(`${path}/`))) missing.push(`${page} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('ships no source, tests or driver code the memory-store user must install', () => {
    const listing = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files: string[] = JSON.parse(listing)[0].files.map((f: { path: string }) => f.path);
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('tests/'))).toBe(false);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.cjs');
    const app = join(dir, 'app', 'node_modules');
    const installed = readdirSync(app);
    expect(installed).not.toContain('better-sqlite3');
    expect(installed).not.toContain('pg');
  });
});
