import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every `ts` block of docs/approvals.md runs here (the setup block, then the example), and all of
// them are type-checked, so the page cannot drift from the API.
const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.tmp', 'docs-approvals');
const markdown = readFileSync(join(root, 'docs', 'approvals.md'), 'utf8');

function blocks(): { title: string; code: string; setup: boolean }[] {
  const found: { title: string; code: string; setup: boolean }[] = [];
  let title = '';
  const re = /^## (.*)$|(<!-- setup -->\n)?```ts\n([\s\S]*?)```/gm;
  for (const m of markdown.matchAll(re)) {
    if (m[1] !== undefined) title = m[1];
    else found.push({ title, code: m[3]!, setup: m[2] !== undefined });
  }
  return found;
}

const all = blocks();
const setupBlock = all.find((b) => b.setup)!;
const examples = all.filter((b) => !b.setup);

function moduleFor(code: string): string {
  const isImport = (l: string) => /^import .* from '[^']+';$/.test(l);
  const setupLines = setupBlock.code.split('\n');
  const setupImports: string[] = [];
  const setupBody: string[] = [];
  let inImport = false;
  for (const line of setupLines) {
    if (line.startsWith('import ') && !line.endsWith(';')) inImport = true;
    if (inImport || isImport(line)) setupImports.push(line);
    else setupBody.push(line);
    if (inImport && line.endsWith(';')) inImport = false;
  }
  const lines = code.split('\n');
  const imports = lines.filter(isImport);
  const body = lines.filter((l) => !isImport(l));
  const src = "'../../src/index.js'";
  return [...setupImports, ...imports, '', 'export async function run(): Promise<void> {', ...setupBody, ...body, '}', '']
    .join('\n')
    .replace(/from 'docket'/g, `from ${src}`);
}

describe('docs/approvals.md examples', () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  examples.forEach((b, i) => writeFileSync(join(out, `ex${i}.ts`), moduleFor(b.code)));

  it('has a setup block and an example for each operation', () => {
    expect(setupBlock).toBeDefined();
    expect(examples.length).toBeGreaterThanOrEqual(12);
  });

  examples.forEach((b, i) => {
    it(`runs: ${b.title}`, async () => {
      const mod = (await import(join(out, `ex${i}.ts`))) as { run: () => Promise<void> };
      await mod.run();
    });
  });

  it('type-checks every example against the current API', () => {
    writeFileSync(join(out, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'tsconfig.json'), compilerOptions: { noUnusedLocals: false }, include: ['./*.ts'] }));
    let output = '';
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(out, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output.replace(/ex(\d+)\.ts/g, (_m, n: string) => `"${examples[Number(n)]!.title}"`)).toBe('');
  }, 120_000);
});
