import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('README quickstart', () => {
  it('is examples/quickstart.ts, under 30 lines, and runs to the state it promises', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Quickstart\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const example = readFileSync(new URL('../examples/quickstart.ts', import.meta.url), 'utf8');
    const expected = example.replace("from '../src/index.js'", "from 'docket'").replace('export { view };\n', '');
    expect(block).toBe(expected);
    expect(block!.trim().split('\n').length).toBeLessThan(30);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { view } = await import('../examples/quickstart.js');
    log.mockRestore();
    expect(view.state).toBe('autoApproved');
    expect(view.status).toBe('done');
    // Three working days after 30 Sep 2026: 8 Oct, 9 Oct, and Saturday 10 Oct (调休), at 10:00.
    expect(view.updatedAt).toBe(Date.parse('2026-10-10T10:00:00+08:00'));
  });
});
