import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointAtSources } from './helpers/example-imports.js';

// Every `ts` block of the README and the guides (docs/*.md, docs/machines/*.md) is type-checked
// against the current API, as the TSDoc examples are (tests/tsdoc-examples.test.ts); docs/approvals.md
// has its own runner (tests/docs-approvals-examples.test.ts: a setup block, then each example run).
// Regression: a newcomer copying them found three that were not TypeScript at all (`acme.migrate({ … })`,
// a bare object literal, a lone `historyKey: …` property) and fragments calling `businessCalendar`
// without importing it; nothing checked them, so they could drift from the API unseen.
//
// A fragment may use names a page's prose introduces (`engine`, `store`): they are declared below,
// per page, with their types, and only where the block does not declare or import the name itself.
// A block that needs none of them is also run, unless the line before its fence says
// `<!-- example: type-checked only (why) -->` (a server that listens, a database).
const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.tmp', 'docs-examples');

/** Names the prose of a page introduces, with a declaration of their type. */
const CONTEXT: Record<string, Record<string, string>> = {
  'docs/calendar.md': {
    engine: "declare const engine: import('docket').Engine;",
  },
  'docs/lifecycle.md': {
    expenseV1: "declare const expenseV1: typeof import('docket/machines').expenseReimbursement;",
    expenseV2Machine: "declare const expenseV2Machine: typeof import('docket/machines').expenseReimbursementMachine;",
    expenseInput: "declare const expenseInput: typeof import('docket/machines').expenseReimbursementInput;",
    expenseEvents: "declare const expenseEvents: typeof import('docket/machines').expenseReimbursement.events;",
    expenseV2: "declare const expenseV2: typeof import('docket/machines').expenseReimbursement;",
    engine: "declare const engine: import('docket').Engine<typeof import('docket/machines').expenseReimbursement>;",
    ops: "declare const ops: import('docket').Actor;",
    actor: "declare const actor: import('docket').Actor;",
    assignee: 'declare const assignee: string;',
    input: "declare const input: import('zod').input<typeof import('docket/machines').expenseReimbursementInput>;",
    productionSnapshot: "declare const productionSnapshot: import('docket').Store;",
    calendar: "declare const calendar: import('docket').BusinessCalendar;",
    cutoff: 'declare const cutoff: number;',
    store: "declare const store: import('docket').Store;",
    clock: "declare const clock: import('docket').Clock;",
    workflows: "declare const workflows: readonly import('docket').AnyWorkflow[];",
    globexCompanyDays: "declare const globexCompanyDays: import('docket').HolidayList;",
    globexDirectory: "declare const globexDirectory: import('docket').Directory;",
  },
  'docs/security.md': {
    store: "declare const store: import('docket').Store;",
    clock: "declare const clock: import('docket').Clock;",
    workflows: "declare const workflows: readonly import('docket').AnyWorkflow[];",
    next: 'declare const next: string;',
    old: 'declare const old: string;',
  },
  'docs/storage.md': {
    leaveRequest: "declare const leaveRequest: import('docket').AnyWorkflow;",
    workflows: "declare const workflows: readonly import('docket').AnyWorkflow[];",
    signal: 'declare const signal: AbortSignal;',
  },
  'docs/machines/index.md': {
    myWorkflow: "declare const myWorkflow: typeof import('docket/machines').expenseReimbursement;",
    input: "declare const input: import('zod').input<typeof import('docket/machines').expenseReimbursementInput>;",
    directory: "declare const directory: import('docket').Directory;",
  },
};

interface Block {
  readonly page: string;
  readonly line: number;
  readonly code: string;
  readonly checkOnly: boolean;
}

function pages(): string[] {
  const md = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.md')).map((f) => `${dir}/${f}`);
  return ['README.md', ...md('docs'), ...md('docs/machines')].filter((p) => p !== 'docs/approvals.md');
}

/** The `ts` blocks of one page's markdown. A fence may be indented (inside a list item): its lines carry the same indent. */
function blocksOf(page: string, text: string): Block[] {
  const found: Block[] = [];
  for (const m of text.matchAll(/^( *)```ts\n([\s\S]*?)^\1```$/gm)) {
    const indent = m[1]!.length;
    const before = text.slice(0, m.index).split('\n');
    const previous = before.at(-2) ?? '';
    found.push({
      page,
      line: before.length,
      code: m[2]!.split('\n').map((l) => l.slice(indent)).join('\n'),
      checkOnly: /<!-- example: type-checked only/.test(previous),
    });
  }
  return found;
}

function blocks(): Block[] {
  return pages().flatMap((page) => blocksOf(page, readFileSync(join(root, page), 'utf8')));
}

/** The declarations a block needs: its page's names it uses and neither declares nor imports. */
function contextFor(block: Block): string[] {
  const names = CONTEXT[block.page] ?? {};
  return Object.entries(names)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(block.code))
    .filter(([name]) => !new RegExp(`(?:const|let|var|function|class)\\s+${name}\\b|import[^;]*\\b${name}\\b[^;]*from`).test(block.code))
    .map(([, declaration]) => declaration);
}

const all = blocks();
const label = (b: Block) => `${b.page}:${b.line}`;

describe('the examples in README.md and docs/*.md', () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  all.forEach((b, i) => writeFileSync(join(out, `ex${i}.ts`), pointAtSources(`${b.code}\n${contextFor(b).join('\n')}\nexport {};\n`, root)));

  it('finds the blocks of every guide', () => {
    expect(all.length).toBeGreaterThan(15);
    for (const page of ['README.md', 'docs/calendar.md', 'docs/lifecycle.md', 'docs/security.md', 'docs/storage.md', 'docs/zh-CN.md', 'docs/visualizer.md']) {
      expect(all.some((b) => b.page === page), page).toBe(true);
    }
  });

  // The reader cannot skip a block: any page of prose and `ts` blocks (at any list indent, marked or not)
  // gives back every block's code as written, on its line, with its mark.
  it('property: every ts block of a page is found, whole, with its line and mark', () => {
    const line = fc.stringMatching(/^[^`\n]{0,30}$/);
    const block = fc.record({ code: fc.array(line, { maxLength: 5 }), indent: fc.constantFrom(0, 2, 4), checkOnly: fc.boolean(), prose: fc.array(line, { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), (parts) => {
        const lines: string[] = [];
        const expected: { line: number; code: string; checkOnly: boolean }[] = [];
        for (const p of parts) {
          lines.push(...p.prose.map((l) => (l.startsWith('<!--') ? `x${l}` : l)), p.checkOnly ? '<!-- example: type-checked only (why) -->' : '');
          const pad = ' '.repeat(p.indent);
          lines.push(`${pad}\`\`\`ts`);
          expected.push({ line: lines.length, code: p.code.map((l) => `${l}\n`).join(''), checkOnly: p.checkOnly });
          lines.push(...p.code.map((l) => pad + l), `${pad}\`\`\``, '');
        }
        const found = blocksOf('page.md', lines.join('\n'));
        expect(found.map(({ line, code, checkOnly }) => ({ line, code, checkOnly }))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('type-checks every example against the current API', () => {
    writeFileSync(join(out, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'tsconfig.json'), compilerOptions: { noUnusedLocals: false, noUnusedParameters: false }, include: ['./*.ts'] }));
    let output = '';
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(out, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output.replace(/\.tmp\/docs-examples\//g, '').replace(/ex(\d+)\.ts\((\d+)/g, (_m, n: string, l: string) => `${label(all[Number(n)]!)} (block line ${l}`)).toBe('');
  }, 180_000);

  all.forEach((b, i) => {
    if (b.checkOnly || contextFor(b).length > 0) return;
    it(`runs ${label(b)}`, async () => {
      await import(join(out, `ex${i}.ts`));
    }, 60_000);
  });
});
