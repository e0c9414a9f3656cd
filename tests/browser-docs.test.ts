/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Browser tests of the docs site as an analyst reads it (issue 17): each assertion is on the text the
// page shows, in headless Chromium (Debian's `chromium`, driven by playwright-core). Screenshots of
// the fixed pages land in docs/screenshots/, both languages.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from '../docs/serve.js';
import { workflowCatalog } from '../src/cli/workflow-catalog.js';
import { exportInstance } from '../src/cli/export-instance.js';
import { businessCalendar, createEngine, memoryStore, virtualClock } from '../src/index.js';
import { strategyCycle } from '../machines/index.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = process.env['DOCKET_SKIP_BROWSER'] === '1';
const repo = resolve(import.meta.dirname, '..');
const site = resolve(repo, 'docs/site');
const shots = resolve(repo, 'docs/screenshots');
const workflows = workflowCatalog();
const LANGS = ['zh-CN', 'en'] as const;
/** Identifiers an analyst must never read on a page (deadline keys, guard params, sub-state keys). */
const RAW = ['submissionDeadline', 'signingRemind', 'receivableChase', 'paymentRemind', 'triPartyMeeting', 'reminderEvery', 'phase: ', 'internalMeeting', 'xstate.after', 'xstate.done', 'xstate.error', 'docket.timer'];

let browser: Browser | undefined;
let server: Awaited<ReturnType<typeof serveSite>> | undefined;
let base = '';

async function open(path: string, lang: 'zh-CN' | 'en' = 'zh-CN', width = 1440, height = 900): Promise<{ page: Page; notFound: string[] }> {
  const page = await browser!.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  const notFound: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() === 404) notFound.push(r.url());
  });
  await page.addInitScript((l) => localStorage.setItem('docket.lang', l), lang);
  await page.goto(`${base}/${path}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  expect(errors, `page errors on ${path}`).toEqual([]);
  return { page, notFound };
}

/** The text a reader sees (the other language hidden), without `<code>` (state ids and event types are shown as such on purpose). */
function visibleText(page: Page, selector = 'main'): Promise<string> {
  return page.$eval(selector, (root) => {
    const clone = root.cloneNode(true) as HTMLElement;
    document.body.append(clone);
    for (const el of [...clone.querySelectorAll('*')].reverse()) {
      if (getComputedStyle(el).display === 'none' || el.tagName === 'CODE' || el.tagName === 'SCRIPT') el.remove();
    }
    const text = clone.innerText;
    clone.remove();
    return text;
  });
}

/** Visible titles of the diagram's state boxes. */
function nodeTitles(page: Page, host = '#diagram'): Promise<string[]> {
  return page.$$eval(`${host} g.state-node text.title`, (ts) => ts.filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.textContent ?? ''));
}

describe.skipIf(skip)('docs site, as an analyst reads it', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium, or DOCKET_SKIP_BROWSER=1.`);
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'docs/build.ts'], { cwd: repo, encoding: 'utf8', env: { ...process.env, DOCKET_SKIP_TYPEDOC: '1' } });
    if (built.status !== 0) throw new Error(`npm run docs failed:\n${built.stdout}\n${built.stderr}`);
    mkdirSync(shots, { recursive: true });
    server = await serveSite(site, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  it("the contract approval's events table names the step's approvers for APPROVE/REJECT, the initiator for WITHDRAW, never 'anyone'", async () => {
    const { page } = await open('workflows/contract-approval.html', 'en');
    const who = (type: string) => page.$eval(`#events tr[data-event-row="${type}"] td.who`, (td) => (td as HTMLElement).innerText.trim());
    for (const type of ['APPROVE', 'REJECT']) {
      expect(await who(type)).toBe("the step's approvers (see the step)");
    }
    expect(await who('WITHDRAW')).toMatch(/^the initiator/);
    const cells = await page.$$eval('#events td.who', (tds) => tds.map((td) => (td as HTMLElement).innerText.trim()));
    expect(cells.filter((c) => c === 'anyone')).toEqual([]);
    await page.click('[data-set-lang="zh-CN"]');
    expect(await who('APPROVE')).toBe('审批步骤的审批人（见该步骤）');
    await page.close();
  });

  for (const workflow of workflows) {
    it(`${workflow.id}: no Chinese separator in English, no raw identifiers, no bare "Awaiting decision", in both languages`, async () => {
      const { page, notFound } = await open(`workflows/${workflow.id}.html`, 'en');
      const en = await visibleText(page);
      expect(en.match(/.{0,30}、.{0,30}/g) ?? []).toEqual([]);
      for (const raw of RAW) expect(en, `"${raw}" on the en page`).not.toContain(raw);
      expect(en).not.toContain('`');
      const enTitles = await nodeTitles(page);
      expect(enTitles.filter((t) => t === 'Awaiting decision')).toEqual([]);
      await page.screenshot({ path: `${shots}/workflow-${workflow.id}.en.png`, fullPage: true });
      await page.click('[data-set-lang="zh-CN"]');
      const zh = await visibleText(page);
      for (const raw of RAW) expect(zh, `"${raw}" on the zh-CN page`).not.toContain(raw);
      expect(zh).not.toContain('`');
      expect((await nodeTitles(page)).filter((t) => t === '待审批')).toEqual([]);
      await page.screenshot({ path: `${shots}/workflow-${workflow.id}.zh-CN.png`, fullPage: true });
      expect(notFound).toEqual([]);
      await page.close();
    });
  }

  it('names each approval step in its waiting state (Department head approval · awaiting decision)', async () => {
    const { page } = await open('workflows/contract-approval.html', 'en');
    expect(await nodeTitles(page)).toContain('Department head approval · awaiting decision');
    await page.close();
  });

  for (const lang of LANGS) {
    it(`the instance view (${lang}) shows the diagram at a readable zoom (≥ 50%), history by step names, timers by their labels`, async () => {
      const { page } = await open('instance.html?src=data/example-instance.json', lang, 1280, 800);
      await page.waitForSelector('body[data-loaded="true"]');
      const zoom = Number(await page.$eval('#iv-diagram', (d) => (d as HTMLElement).dataset['zoom']));
      expect(zoom).toBeGreaterThanOrEqual(0.5);
      // Scrolls and pans rather than shrinking: the frame scrolls when the diagram is wider.
      const overflow = await page.$eval('#iv-diagram .diagram-frame', (f) => getComputedStyle(f).overflow);
      expect(overflow).toBe('auto');
      const history = await visibleText(page, '#iv-history');
      expect(history).not.toMatch(/Awaiting decision → Awaiting decision|待审批 → 待审批/);
      expect(history.split('\n').filter((l) => /^\s*(Awaiting decision|待审批)\s*$/.test(l))).toEqual([]);
      const text = await visibleText(page);
      for (const raw of RAW) expect(text).not.toContain(raw);
      await page.screenshot({ path: `${shots}/instance-view.${lang}.png`, fullPage: true });
      await page.close();
    });

    it(`the 2026 Q4 timeline (${lang}) shows all three tri-party meetings, one a month, with labels that fit`, async () => {
      const { page } = await open('timeline.html?year=2026&quarter=4', lang);
      const days = await page.$$eval('.day [data-milestone="triPartyMeeting"]', (els) => els.map((e) => (e.closest('.day') as HTMLElement).dataset['date']));
      expect(days.length).toBe(3);
      expect(days.map((d) => d?.slice(0, 7))).toEqual(['2026-10', '2026-11', '2026-12']);
      const clipped = await page.$$eval('.day', (ds) =>
        ds.filter((d) => d.scrollWidth > d.clientWidth + 1 || d.scrollHeight > d.clientHeight + 1).map((d) => (d as HTMLElement).dataset['date']),
      );
      expect(clipped).toEqual([]);
      await page.screenshot({ path: `${shots}/timeline-2026-Q4.${lang}.png`, fullPage: true });
      await page.close();
    });
  }

  it("the simulator offers an approval only to people the engine allows: never the contract's initiator", async () => {
    const { page } = await open('simulator.html?workflow=contract-approval', 'en');
    const offered = () => page.$$eval('#sim-events button[data-event]', (bs) => bs.map((b) => `${(b as HTMLElement).dataset['event']}:${(b as HTMLElement).dataset['actor']}`));
    let seenApprove = false;
    for (let i = 0; i < 12 && !seenApprove; i++) {
      const now = await offered();
      if (now.some((o) => o.startsWith('APPROVE:'))) {
        seenApprove = true;
        expect(now.filter((o) => o === 'APPROVE:demo' || o === 'REJECT:demo')).toEqual([]);
        await page.screenshot({ path: `${shots}/simulator.approval.en.png`, fullPage: true });
        break;
      }
      await page.click('#sim-events button[data-event]');
      await page.waitForSelector('body[data-busy="false"]');
      expect(await page.$eval('#sim-message', (m) => m.textContent ?? '')).toBe('');
    }
    expect(seenApprove).toBe(true);
    await page.close();
  });

  for (const lang of LANGS) {
    it(`the instance view (${lang}) marks a deadline resting on an unpublished holiday year as provisional`, async () => {
      // A 2027 Q2 strategy cycle started on 21 December 2026: its kickoff (1 January, rolled) is due in
      // 2027, whose official schedule is not published, so the due time is a statutory estimate.
      const store = memoryStore();
      const engine = createEngine({ store, clock: virtualClock('2026-12-21T09:00:00+08:00'), calendar: businessCalendar({ onWarning: () => {} }), workflows: [strategyCycle] });
      const id = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 2 } } as never, { actor: { id: 'ma', roles: ['marketing'] } });
      writeFileSync(resolve(site, 'data', 'provisional-instance.json'), JSON.stringify(await exportInstance(store, id, [strategyCycle], Date.parse('2026-12-21T09:00:00+08:00'))));
      const { page } = await open('instance.html?src=data/provisional-instance.json', lang);
      await page.waitForSelector('body[data-loaded="true"]');
      const marks = await page.$$eval('#iv-timers .provisional', (els) => els.map((e) => (e as HTMLElement).innerText.trim()));
      expect(marks).toEqual([lang === 'en' ? 'provisional' : '暂定']);
      await page.screenshot({ path: `${shots}/instance-provisional.${lang}.png` });
      await page.close();
    });
  }

  it('the stylesheet falls back to a CJK font, and the favicon is served (no 404)', async () => {
    const { page, notFound } = await open('index.html');
    const family = await page.$eval('body', (b) => getComputedStyle(b).fontFamily);
    expect(family).toMatch(/Noto Sans CJK SC|WenQuanYi Micro Hei|PingFang SC|Microsoft YaHei/);
    const icon = await page.$eval('link[rel="icon"]', (l) => (l as HTMLLinkElement).href);
    const response = await page.request.get(icon);
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain('<svg');
    expect(notFound).toEqual([]);
    const text = await visibleText(page);
    expect(text).not.toContain('`');
    expect(await page.$$eval('main .lead code', (cs) => cs.map((c) => c.textContent))).toContain('docket export');
    await page.close();
  });

  it('every page has the navigation bar: workflows, guides, timeline, API', async () => {
    for (const path of ['index.html', 'timeline.html', 'simulator.html', 'instance.html', 'workflows/contract-approval.html', 'guides/index.html', 'guides/cli.html']) {
      const { page } = await open(path, 'en');
      const nav = await page.$$eval('.site-header nav a', (as) => as.map((a) => (a as HTMLElement).innerText.trim()));
      expect(nav, path).toEqual(expect.arrayContaining(['Workflows', 'Guides', 'Quarter timeline', 'API reference']));
      await page.close();
    }
  });

  it('publishes the docs/*.md guides, rendered, linked from the nav', async () => {
    const { page } = await open('index.html', 'en');
    await page.click('.site-header nav a[data-nav="guides/index.html"]');
    await page.waitForSelector('body[data-ready="true"]');
    const guides = await page.$$eval('.guide-list a', (as) => as.map((a) => a.getAttribute('href')));
    expect(guides).toEqual(expect.arrayContaining(['cli.html', 'calendar.html', 'approvals.html', 'storage.html', 'visualizer.html', 'architecture.html', 'zh-CN.html']));
    await page.close();
    const { page: cli, notFound } = await open('guides/cli.html', 'en');
    expect(await cli.$eval('article.guide h1', (h) => (h as HTMLElement).innerText)).toContain('docket');
    expect(await cli.$$eval('article.guide pre code', (c) => c.length)).toBeGreaterThan(0);
    expect(await visibleText(cli, 'article.guide')).not.toMatch(/^#+ /m);
    expect(notFound).toEqual([]);
    await cli.screenshot({ path: `${shots}/guide-cli.en.png`, fullPage: false });
    await cli.close();
  });

  it("npm run docs -- --workflows ./module.js renders the user's workflow: its page, its diagram, and the simulator runs it", async () => {
    // A user's module (built JS importing the library), inside the repository so xstate and zod resolve.
    const dir = resolve(repo, '.tmp/browser-docs-user');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      resolve(dir, 'workflows.mjs'),
      `import { setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow } from '../../src/index.ts';
const machine = setup({ types: {} }).createMachine({
  id: 'leave', initial: 'draft',
  states: { draft: { on: { SUBMIT: 'pending' } }, pending: { on: { APPROVE: 'approved', REJECT: 'rejected' } }, approved: { type: 'final' }, rejected: { type: 'final' } },
});
export const leave = defineWorkflow({
  id: 'leave', version: 1, machine, input: z.object({ days: z.number().int().min(1) }),
  events: { SUBMIT: z.object({}), APPROVE: z.object({}), REJECT: z.object({}) },
  permissions: { start: ['employee'], SUBMIT: ['employee'], APPROVE: ['manager'], REJECT: ['manager'] },
  roles: { employee: { 'zh-CN': '员工', en: 'Employee' }, manager: { 'zh-CN': '经理', en: 'Manager' } },
  labels: { title: { 'zh-CN': '请假', en: 'Leave request' }, states: { draft: { 'zh-CN': '草稿', en: 'Draft' }, pending: { 'zh-CN': '待批', en: 'Awaiting the manager' }, approved: { 'zh-CN': '已批准', en: 'Approved' }, rejected: { 'zh-CN': '已驳回', en: 'Rejected' } } },
});
`,
    );
    const out = resolve(dir, 'site');
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'docs/build.ts', '--workflows', resolve(dir, 'workflows.mjs'), '--out', out], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, DOCKET_SKIP_TYPEDOC: '1' },
    });
    expect(built.status, built.stderr).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(resolve(out, 'data/diagrams.json'), 'utf8')) as object)).toContain('leave');
    const own = await serveSite(out, 0);
    const ownBase = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;
    try {
      const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
      await page.addInitScript(() => localStorage.setItem('docket.lang', 'en'));
      await page.goto(`${ownBase}/workflows/leave.html`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.$eval('h1', (h) => (h as HTMLElement).innerText)).toBe('Leave request');
      expect(await nodeTitles(page)).toEqual(expect.arrayContaining(['Draft', 'Awaiting the manager', 'Approved', 'Rejected']));
      expect(await page.$eval('#events tr[data-event-row="APPROVE"] td.who', (td) => (td as HTMLElement).innerText.trim())).toBe('Manager');
      await page.goto(`${ownBase}/simulator.html?workflow=leave`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.$eval('#sim-workflow', (s) => (s as HTMLSelectElement).value)).toBe('leave');
      await page.click('#sim-events button[data-event="SUBMIT"]');
      await page.waitForSelector('body[data-busy="false"]');
      expect(await page.$eval('#sim-state', (s) => (s as HTMLElement).innerText)).toBe('Awaiting the manager');
      // The initiator holds only the start roles: the manager's decision is offered to the others.
      const approvers = await page.$$eval('#sim-events button[data-event="APPROVE"]', (bs) => bs.map((b) => (b as HTMLElement).dataset['actor']));
      expect(approvers.length).toBeGreaterThan(0);
      expect(approvers).not.toContain('demo');
      await page.close();
    } finally {
      await new Promise((done) => own.close(done));
    }
  }, 120_000);

  it('the API reference (typedoc) groups the exports by category, with the site navigation on its pages', async () => {
    const out = resolve(repo, '.tmp/browser-docs-api');
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'docs/build.ts', '--out', out], { cwd: repo, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain('API reference ok');
    const own = await serveSite(out, 0);
    try {
      const page = await browser!.newPage();
      const notFound: string[] = [];
      page.on('response', (r) => {
        if (r.status() === 404) notFound.push(r.url());
      });
      await page.goto(`http://127.0.0.1:${(own.address() as AddressInfo).port}/api/modules/index.html`);
      const categories = await page.$$eval('h2.tsd-anchor-link', (hs) => hs.map((h) => (h as HTMLElement).innerText.trim()));
      expect(categories).toEqual(expect.arrayContaining(['Engine', 'Workflow', 'Approvals', 'Calendar', 'Clock', 'Store', 'Errors']));
      expect(categories.indexOf('Engine')).toBeLessThan(categories.indexOf('Errors'));
      const nav = await page.$$eval('.docket-site-nav nav a', (as) => as.map((a) => (a as HTMLElement).dataset['nav']));
      expect(nav).toEqual(expect.arrayContaining(['index.html', 'guides/index.html', 'timeline.html', 'api/index.html']));
      await page.click('.docket-site-nav a[data-nav="guides/index.html"]');
      expect(new URL(page.url()).pathname).toBe('/guides/index.html');
      expect(notFound).toEqual([]);
      await page.close();
    } finally {
      await new Promise((done) => own.close(done));
    }
  }, 180_000);
});
