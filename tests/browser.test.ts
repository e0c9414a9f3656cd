/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Browser tests of the docs site in headless Chromium (Debian's `chromium`, driven by playwright-core):
// every workflow page draws one node per state without overlaps or cut-off labels, the language
// switch changes labels, the simulator reaches a final state, and the 2026 Q4 timeline marks the
// National Day holidays and the make-up working day. Screenshots land in docs/screenshots/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from '../docs/serve.js';
import { isContractWorkflow, workflowCatalog } from '../src/cli/workflow-catalog.js';
import { stateGraph } from '../src/visualizer/index.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = process.env['DOCKET_SKIP_BROWSER'] === '1';
const repo = resolve(import.meta.dirname, '..');
const site = resolve(repo, 'docs/site');
const shots = resolve(repo, 'docs/screenshots');
const workflows = workflowCatalog();

let browser: Browser | undefined;
let server: Awaited<ReturnType<typeof serveSite>> | undefined;
let base = '';

async function open(path: string, lang: 'zh-CN' | 'en' = 'zh-CN', width = 1440): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript((l) => localStorage.setItem('docket.lang', l), lang);
  await page.goto(`${base}/${path}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  expect(errors, `page errors on ${path}`).toEqual([]);
  return page;
}

/** Geometry problems in a rendered diagram: overlapping sibling boxes and text running out of its box. */
async function diagramProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const svg = document.querySelector('svg.docket-diagram')!;
    const nodes = [...svg.querySelectorAll<SVGGElement>('g.state-node')];
    const box = (g: SVGGElement) => {
      const r = g.querySelector('rect.state-box') as SVGRectElement;
      const b = r.getBBox();
      const m = g.transform.baseVal.consolidate()?.matrix;
      return { x: b.x + (m?.e ?? 0), y: b.y + (m?.f ?? 0), w: b.width, h: b.height };
    };
    const inside = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) =>
      a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.w <= b.x + b.w + 0.5 && a.y + a.h <= b.y + b.h + 0.5;
    const boxes = nodes.map((g) => ({ id: g.dataset['state']!, b: box(g) }));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const c = boxes[j]!;
        // A parent contains its children; anything else must not overlap.
        if (c.id.startsWith(`${a.id}.`) || a.id.startsWith(`${c.id}.`)) continue;
        const overlap = a.b.x < c.b.x + c.b.w && c.b.x < a.b.x + a.b.w && a.b.y < c.b.y + c.b.h && c.b.y < a.b.y + a.b.h;
        if (overlap) problems.push(`boxes ${a.id} and ${c.id} overlap`);
      }
    }
    for (const g of nodes) {
      const rect = (g.querySelector('rect.state-box') as SVGRectElement).getBBox();
      for (const t of g.querySelectorAll<SVGTextElement>('text')) {
        if (getComputedStyle(t).display === 'none') continue;
        const b = t.getBBox();
        if (!inside({ x: b.x, y: b.y, w: b.width, h: b.height }, { x: rect.x, y: rect.y, w: rect.width, h: rect.height })) {
          problems.push(`text "${t.textContent}" overflows state ${g.dataset['state']}`);
        }
      }
    }
    for (const label of svg.querySelectorAll<SVGGElement>('g.edge-label')) {
      const rect = (label.querySelector('rect') as SVGRectElement).getBBox();
      for (const t of label.querySelectorAll<SVGTextElement>('text')) {
        if (getComputedStyle(t).display === 'none') continue;
        const b = t.getBBox();
        if (b.width > rect.width + 1) problems.push(`edge label "${t.textContent}" is wider than its box`);
      }
    }
    return problems;
  });
}

describe.skipIf(skip)('docs site in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (CI installs it in .ci/run), or set DOCKET_SKIP_BROWSER=1 to skip the browser tests.`);
    }
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

  for (const workflow of workflows) {
    it(`draws ${workflow.id} with one node per state, no overlaps, no cut-off labels, in both languages`, async () => {
      const graph = stateGraph(workflow);
      const page = await open(`workflows/${workflow.id}.html`);
      const ids = await page.$$eval('#diagram g.state-node', (els) => els.map((e) => (e as SVGGElement).dataset['state']));
      expect(ids.sort()).toEqual(graph.nodes.map((n) => n.id).sort());
      expect(await diagramProblems(page)).toEqual([]);
      await page.screenshot({ path: `${shots}/workflow-${workflow.id}.zh-CN.png`, fullPage: true });

      const sample = graph.nodes.find((n) => n.label['zh-CN'] !== n.label.en) ?? graph.nodes[0]!;
      const visibleTitle = () =>
        page.$eval(`#diagram g.state-node[data-state="${sample.id}"]`, (g) =>
          [...g.querySelectorAll('text.title')].filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.textContent),
        );
      expect(await visibleTitle()).toEqual([sample.label['zh-CN']]);
      await page.click('[data-set-lang="en"]');
      expect(await visibleTitle()).toEqual([sample.label.en]);
      expect(await page.$eval('h1', (h) => h.innerText)).toBe(graph.title.en);
      expect(await diagramProblems(page)).toEqual([]);
      await page.screenshot({ path: `${shots}/workflow-${workflow.id}.en.png`, fullPage: true });
      await page.close();
    });
  }

  it('the simulator clicks through the contract approval (or the fixture until it lands) to a final state', async () => {
    const workflow = workflows.find(isContractWorkflow) ?? workflows[workflows.length - 1]!;
    const graph = stateGraph(workflow);
    const finals = new Set(graph.nodes.filter((n) => n.kind === 'final').map((n) => n.id));
    const page = await open(`simulator.html?workflow=${workflow.id}`, 'en');
    expect(await page.$eval('#sim-workflow', (s) => (s as HTMLSelectElement).value)).toBe(workflow.id);
    let steps = 0;
    for (; steps < 60; steps++) {
      if ((await page.$eval('#sim-status [data-status]', (b) => (b as HTMLElement).dataset['status'])) !== 'active') break;
      const rowsBefore = await page.$$eval('#sim-history tr', (r) => r.length);
      const button = await page.$('#sim-events button[data-event]');
      if (button) await button.click();
      else await page.click('#sim-advance-day');
      await page.waitForSelector('body[data-busy="false"]');
      if (button) {
        const error = await page.$eval('#sim-message', (m) => m.textContent ?? '');
        expect(error, 'the engine refused a click').toBe('');
        expect(await page.$$eval('#sim-history tr', (r) => r.length)).toBeGreaterThan(rowsBefore);
      }
      if (steps === 1) await page.screenshot({ path: `${shots}/simulator.in-progress.png`, fullPage: true });
    }
    expect(await page.$eval('#sim-status [data-status]', (b) => (b as HTMLElement).dataset['status'])).toBe('done');
    const active = await page.$$eval('#sim-diagram g.state-node.active', (els) => els.map((e) => (e as SVGGElement).dataset['state']));
    expect(active.some((id) => finals.has(id ?? ''))).toBe(true);
    await page.screenshot({ path: `${shots}/simulator.done.png`, fullPage: true });
    await page.close();
  });

  it('the 2026 Q4 timeline marks 10 October as a working day and 1–7 October as holidays', async () => {
    const page = await open('timeline.html?year=2026&quarter=4');
    const day = (date: string) => page.$eval(`.day[data-date="${date}"]`, (d) => ({ kind: (d as HTMLElement).dataset['kind'], working: (d as HTMLElement).dataset['working'] }));
    expect(await day('2026-10-10')).toEqual({ kind: 'makeup-workday', working: 'true' });
    for (let d = 1; d <= 7; d++) expect(await day(`2026-10-0${d}`)).toEqual({ kind: 'holiday', working: 'false' });
    expect(await day('2026-10-12')).toEqual({ kind: 'workday', working: 'true' });
    await page.screenshot({ path: `${shots}/timeline-2026-Q4.zh-CN.png`, fullPage: true });
    await page.click('[data-set-lang="en"]');
    await page.screenshot({ path: `${shots}/timeline-2026-Q4.en.png`, fullPage: true });
    await page.close();
  });

  it('the instance view shows an exported instance on its diagram with history and timers', async () => {
    const page = await open('instance.html?src=data/example-instance.json', 'en');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.$eval('#iv-error', (e) => e.textContent)).toBe('');
    expect(await page.$$eval('#iv-diagram g.state-node.active', (els) => els.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#iv-history tr', (r) => r.length)).toBeGreaterThan(1);
    await page.screenshot({ path: `${shots}/instance-view.en.png`, fullPage: true });
    await page.close();
  });

  it('the home page links every workflow', async () => {
    const page = await open('index.html');
    const links = await page.$$eval('.grid-home a', (as) => as.map((a) => a.getAttribute('href')));
    // Against what the build saw (machines/ may grow while the tests run).
    const built = Object.keys(JSON.parse(readFileSync(resolve(site, 'data/diagrams.json'), 'utf8')) as object);
    expect(links).toEqual(built.map((id) => `workflows/${encodeURIComponent(id)}.html`));
    for (const w of workflows) expect(built).toContain(w.id);
    await page.screenshot({ path: `${shots}/home.zh-CN.png`, fullPage: true });
    await page.close();
  });
});
