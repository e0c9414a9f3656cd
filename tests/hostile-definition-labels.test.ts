// A workflow's labels, roles and description are checked when it is defined, by one rule for each
// text ({ 'zh-CN', en }, both non-blank strings, short, without control characters, U+0000 or a lone
// surrogate), as INVALID_ARGUMENT naming the path. Nothing checked them: `labels.states.a: 1` was
// defined and every diagram then failed with a raw TypeError ("text is not iterable"); `labels: 5`,
// a title without `en`, `roles: { manager: 'M' }` or a misspelt `labels.stats` were defined and
// shown as nothing, the id, or "undefined"; a title of escape sequences was drawn into every SVG.
import { setup } from 'xstate';
import { z } from 'zod';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, isDocketError } from '../src/index.js';
import { workflowMermaid } from '../src/visualizer/index.js';

const machine = setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } });
const base = { id: 'w', version: 1, machine, input: z.object({}), events: { GO: z.object({}) } };
const title = { 'zh-CN': '请假', en: 'Leave' };

function refusal(extra: Record<string, unknown>): { code: string; field: unknown } | 'accepted' {
  try {
    defineWorkflow({ ...base, ...extra } as never);
    return 'accepted';
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return { code: error.code, field: error.details.field };
  }
}

describe('defineWorkflow: labels, roles and description', () => {
  it.each([
    ['labels: 5', { labels: 5 }, 'definition.labels'],
    ['labels: null', { labels: null }, 'definition.labels'],
    ['labels without a title', { labels: {} }, 'definition.labels.title'],
    ['a title that is a string', { labels: { title: 'Leave' } }, 'definition.labels.title'],
    ['a title without en', { labels: { title: { 'zh-CN': '请假' } } }, 'definition.labels.title.en'],
    ['a title without zh-CN', { labels: { title: { en: 'Leave' } } }, 'definition.labels.title.zh-CN'],
    ['a title in a third language', { labels: { title: { ...title, fr: 'Congé' } } }, 'definition.labels.title.fr'],
    ['a number as text', { labels: { title: { ...title, en: 5 } } }, 'definition.labels.title.en'],
    ['a blank text', { labels: { title: { ...title, en: '  ' } } }, 'definition.labels.title.en'],
    ['an escape sequence', { labels: { title: { ...title, en: 'a\u001b[2J' } } }, 'definition.labels.title.en'],
    ['a line break', { labels: { title: { ...title, en: 'a\nb' } } }, 'definition.labels.title.en'],
    ['U+0000', { labels: { title: { ...title, en: 'a\u0000' } } }, 'definition.labels.title.en'],
    ['a lone surrogate', { labels: { title: { ...title, en: '\ud800' } } }, 'definition.labels.title.en'],
    ['a title of 1,001 characters', { labels: { title: { ...title, en: 'x'.repeat(1001) } } }, 'definition.labels.title.en'],
    ['a misspelt group', { labels: { title, stats: {} } }, 'definition.labels.stats'],
    ['states as a list', { labels: { title, states: ['a'] } }, 'definition.labels.states'],
    ['a state label that is a number (diagrams threw a TypeError)', { labels: { title, states: { a: 1 } } }, 'definition.labels.states.a'],
    ['an event label that is null', { labels: { title, events: { GO: null } } }, 'definition.labels.events.GO'],
    ['roles as a list', { roles: ['manager'] }, 'definition.roles'],
    ['a role label that is a string', { roles: { manager: 'Manager' } }, 'definition.roles.manager'],
    ['description: null', { description: null }, 'definition.description'],
    ['description as a string', { description: 'About leave' }, 'definition.description'],
    ['a description text that is a Symbol', { description: { 'zh-CN': 'x', en: Symbol('x') } }, 'definition.description.en'],
  ])('%s is INVALID_ARGUMENT naming its path', (_what, extra, field) => {
    expect(refusal(extra)).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('takes labels in both languages, a long description, and every group', () => {
    const wf = defineWorkflow({
      ...base,
      labels: { title, states: { a: { 'zh-CN': '甲', en: 'A' } }, events: { GO: { 'zh-CN': '走', en: 'Go' } }, guards: {}, deadlines: {}, values: {}, fields: {} },
      roles: { manager: { 'zh-CN': '经理', en: 'Manager' } },
      description: { 'zh-CN': '说明'.repeat(1000), en: 'About leave.' },
    });
    expect(workflowMermaid(wf, 'zh-CN')).toContain('甲');
  });

  it('a description may break lines and hold tabs (a paragraph or more); a label may not, and an escape is refused in both', () => {
    expect(refusal({ description: { 'zh-CN': '第一段。\n\n第二段：\t说明。', en: 'First paragraph.\r\n\r\nSecond:\tnotes.' } })).toBe('accepted');
    expect(refusal({ labels: { title: { 'zh-CN': '请假\n申请', en: 'Leave' } } })).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'definition.labels.title.zh-CN' });
    expect(refusal({ description: { 'zh-CN': '说明\u001b[31m', en: 'About' } })).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'definition.description.zh-CN' });
  });

  it('property: a label value is accepted exactly when it is text in both languages, else refused naming a path inside it', () => {
    const text = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('', ' ', '\u0000', '\u001b', '\ud800', 'x'.repeat(1001), '请假', '第一段。\n\n第二段：\t说明', 'a\r\nb'), fc.anything());
    const label = fc.oneof(fc.record({ 'zh-CN': text, en: text }, { requiredKeys: [] }), fc.anything(), fc.record({ 'zh-CN': text, en: text, extra: text }));
    // A description may break lines and hold tabs (a paragraph or more); a label is one line.
    const control = (max: number) => (max === 4000 ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/ : /[\u0000-\u001f\u007f-\u009f]/);
    const good = (t: unknown, max: number) => typeof t === 'string' && t.trim() !== '' && t.length <= max && !control(max).test(t) && t.isWellFormed();
    const where = fc.constantFrom(
      (l: unknown) => [{ labels: { title: l } }, 'definition.labels.title'] as const,
      (l: unknown) => [{ labels: { title, states: { a: l } } }, 'definition.labels.states.a'] as const,
      (l: unknown) => [{ roles: { manager: l } }, 'definition.roles.manager'] as const,
      (l: unknown) => [{ description: l }, 'definition.description'] as const,
    );
    fc.assert(
      fc.property(label, where, (l, at) => {
        const [extra, path] = at(l);
        const told = refusal(extra);
        // A plain object (null-prototype ones are plain too); a description may be 4,000 characters.
        const plain = typeof l === 'object' && l !== null && !Array.isArray(l) && [Object.prototype, null].includes(Object.getPrototypeOf(l));
        const max = path === 'definition.description' ? 4000 : 1000;
        // A description left undefined is not given.
        const ok = (l === undefined && path === 'definition.description') || plain && Object.keys(l).every((k) => k === 'zh-CN' || k === 'en') && good((l as Record<string, unknown>)['zh-CN'], max) && good((l as Record<string, unknown>)['en'], max);
        if (ok) expect(told).toBe('accepted');
        else {
          expect(told).toMatchObject({ code: 'INVALID_ARGUMENT' });
          expect(String((told as { field: unknown }).field).startsWith(path)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
