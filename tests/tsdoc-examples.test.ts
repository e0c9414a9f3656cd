import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pointAtSources } from './helpers/example-imports.js';

// Every TSDoc `@example` in src/ is compiled, so examples cannot drift from the API (they did in
// Temporal's SDK). Imports of `docket` and its subpaths are pointed at the sources; an example on an
// internal (not exported from `docket`) imports it from its module, relative to the example's file.
const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.tmp', 'tsdoc-examples');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function examples(): { file: string; code: string }[] {
  const found: { file: string; code: string }[] = [];
  for (const file of walk(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/@example\s*\n((?:\s*\*.*\n)*?)\s*\*\/|@example\s*\n((?:\s*\*.*\n)+)/g)) {
      const body = (match[1] ?? match[2] ?? '').split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
      const code = /```ts\n([\s\S]*?)```/.exec(body)?.[1];
      if (code) found.push({ file: relative(root, file), code });
    }
  }
  return found;
}

describe('TSDoc examples', () => {
  // A doc comment documents the declaration right below it: a helper slipped in between (businessCalendar's
  // doc once sat above its OPTION_KEYS constant) leaves the export undocumented in the editor and API docs.
  // Only a file's opening comment (followed by a blank line) stands above no declaration.
  it('every top-level TSDoc block with an @example sits directly above an exported declaration', () => {
    const misplaced: string[] = [];
    for (const file of walk(join(root, 'src'))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (!lines[i]!.startsWith('/**') || lines[i]!.trimEnd().endsWith('*/')) continue;
        let end = i;
        while (end < lines.length && !lines[end]!.startsWith(' */')) end++;
        const block = lines.slice(i, end + 1).join('\n');
        const next = lines[end + 1] ?? '';
        const fileHeader = i === 0 && next.trim() === '';
        if (block.includes('@example') && !fileHeader && !/^export /.test(next)) {
          misplaced.push(`${relative(root, file)}:${end + 2}: ${next}`);
        }
        i = end;
      }
    }
    expect(misplaced).toEqual([]);
  });

  it('every @example in src/ type-checks against the current API', () => {
    const list = examples();
    expect(list.length).toBeGreaterThan(10);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    list.forEach(({ file, code }, i) => {
      const body = pointAtSources(code.replace(/from '(\.\.?\/[^']+)'/g, (_m, spec: string) => `from '${join(root, dirname(file), spec)}'`), root);
      writeFileSync(join(out, `ex${i}.ts`), `// ${file}\n${body}\nexport {};\n`);
    });
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({ extends: join(root, 'tsconfig.json'), compilerOptions: { noUnusedLocals: false }, include: ['./*.ts'] }),
    );
    let output = '';
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(out, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Name the source file of each failing example.
    const report = output.replace(/ex(\d+)\.ts/g, (_m, n: string) => `${list[Number(n)]!.file} (example ${n})`);
    expect(report).toBe('');
  }, 120_000);
});
