import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Guards the layering docs/architecture.md describes: every import in src/ points down the stack
// (clock → calendar → store → engine → approvals → visualizer/CLI/HTTP), nothing shipped imports
// tests/, machines/ stay pure, and no engine or machine code reads ambient time.

const root = resolve(new URL('..', import.meta.url).pathname);

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** Relative module specifiers a file imports or re-exports, static or dynamic. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) specs.push(match[1]!);
  return specs;
}

/**
 * The rank of each folder of src/: a file may import only from its own folder or a lower rank.
 * Store adapters (sqlite, postgres) sit beside the store interface; the top-level entry files
 * (index.ts and the subpath entries) may import anything.
 */
const RANK: Record<string, number> = {
  errors: 0,
  input: 0.5,
  clock: 1,
  calendar: 2,
  store: 3,
  sqlite: 3.5,
  postgres: 3.5,
  organisation: 3.8,
  engine: 4,
  approvals: 5,
  testing: 6,
  visualizer: 6,
  cli: 7,
  http: 7,
  observe: 7,
};

function layerOf(file: string): string {
  const rel = relative(join(root, 'src'), file).split(/[\\/]/);
  if (rel.length === 1) return rel[0] === 'errors.ts' ? 'errors' : 'entry';
  return rel[0]!;
}

describe('architecture', () => {
  const srcFiles = filesUnder(join(root, 'src'));

  it('every folder of src/ has a declared layer', () => {
    const folders = new Set(srcFiles.map(layerOf).filter((l) => l !== 'entry'));
    expect([...folders].filter((f) => !(f in RANK))).toEqual([]);
  });

  it('imports in src/ point down the layers only', () => {
    const violations: string[] = [];
    for (const file of srcFiles) {
      const from = layerOf(file);
      if (from === 'entry') continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(join(root, 'src'))) continue; // checked by the next test
        const to = layerOf(target.replace(/\.js$/, '.ts'));
        if (to === from) continue;
        if (to === 'entry' || (RANK[to] ?? Infinity) > (RANK[from] ?? -Infinity)) {
          violations.push(`${relative(root, file)} (${from}) imports ${spec} (${to})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('nothing shipped (src/, machines/) imports tests/, bench/ or examples/', () => {
    const violations: string[] = [];
    for (const file of [...srcFiles, ...filesUnder(join(root, 'machines'))]) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(dirname(file), spec));
        if (/^(tests|bench|examples)[\\/]/.test(target)) violations.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('machines/ are pure: no node: modules, drivers or file and network access', () => {
    const violations: string[] = [];
    for (const file of filesUnder(join(root, 'machines'))) {
      for (const spec of importsOf(file)) {
        if (/^(node:|fs$|path$|http|https$|net$|child_process$|better-sqlite3|pg$)/.test(spec)) violations.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the engine stack bundles for a browser: no node: imports below the CLI but node:crypto (aliased by the docs build)', () => {
    const violations: string[] = [];
    for (const file of srcFiles) {
      if (!/[\\/]src[\\/](errors\.ts|clock|calendar|store|organisation|engine|approvals)[\\/]?/.test(file)) continue;
      for (const spec of importsOf(file)) if (spec.startsWith('node:') && spec !== 'node:crypto') violations.push(`${relative(root, file)} imports ${spec}`);
    }
    expect(violations).toEqual([]);
  });

  it('engine and machine code never read ambient time (the clock is injected)', () => {
    // The system clock is the one place real time enters; the CLI and HTTP layers hand it in.
    const allowed = new Set(['src/clock/system-clock.ts']);
    const ambient = /\bDate\.now\(|\bnew Date\(\s*\)|\bsetTimeout\(|\bsetInterval\(|\bperformance\.now\(/;
    const violations: string[] = [];
    const files = [...srcFiles.filter((f) => !/[\\/]src[\\/](cli|visualizer)[\\/]/.test(f)), ...filesUnder(join(root, 'machines'))];
    for (const file of files) {
      const rel = relative(root, file);
      if (allowed.has(rel)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
          if (ambient.test(code)) violations.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(violations).toEqual([]);
  });
});
