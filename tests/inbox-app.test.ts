/// <reference lib="dom" />
// The inbox and admin app (examples/inbox-app, `npm run inbox`) in Debian's headless chromium via
// playwright-core, against the real server on 127.0.0.1 (ephemeral port, SQLite in a temp dir):
// a contract approved end to end (three reviewers, then the department head), a refusal shown as a
// readable message, add-signer, withdraw, history, the admin's suspend/resume and leaver
// reassignment, in zh-CN and en. Screenshots land in docs/screenshots/inbox-*.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboxApp } from '../examples/inbox-app/server.js';

const skip = process.env['DOCKET_SKIP_BROWSER'] === '1';
const shots = resolve(import.meta.dirname, '..', 'docs', 'screenshots');
let dir: string;
let app: Awaited<ReturnType<typeof startInboxApp>>;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const ready = () => page.waitForSelector('body[data-ready="true"]', { timeout: 20_000, state: 'attached' });
async function as(user: string) {
  await page.selectOption('#who', user);
  await ready();
}
async function click(scope: string, name: string) {
  await page.locator(scope).getByRole('button', { name, exact: true }).first().click();
  await ready();
}
const banner = () => page.locator('#banner').innerText();
const task = (contractNo: string) => page.locator('.task', { hasText: contractNo });

describe.skipIf(skip)('inbox app in chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-inbox-'));
    mkdirSync(shots, { recursive: true });
    app = await startInboxApp({ port: 0, filename: join(dir, 'inbox.db') });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => localStorage.getItem('docket.lang') ?? localStorage.setItem('docket.lang', 'zh-CN'));
    await page.goto(app.url);
    await ready();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('zh-CN: a contract goes through three reviewers and the department head; a refusal reads clearly', async () => {
    await as('li');
    await page.fill('input[name=contractNo]', 'HT-2026-301');
    await click('#new', '创建并提交');
    expect(await banner()).toContain('已创建并提交：HT-2026-301');
    expect(await page.locator('#mine-rows tr', { hasText: 'HT-2026-301' }).innerText()).toContain('法务/财务/技术会签');

    await as('zhao');
    expect(await task('HT-2026-301').innerText()).toMatch(/截止：.*GMT\+8/); // due date in her zone
    // Refusal: transfer her task to someone who already holds a seat in this step.
    await task('HT-2026-301').locator('select[name=person]').selectOption('sun');
    await click('.task', '转交');
    const refusal = await banner();
    expect(refusal).toContain('操作未成功：当前不允许此操作');
    expect(refusal).toContain('OPERATION_NOT_ALLOWED');
    await expect.poll(() => task('HT-2026-301').count()).toBe(1); // nothing changed: still hers
    await page.screenshot({ path: join(shots, 'inbox-refusal-zh.png'), fullPage: true });
    await task('HT-2026-301').locator('textarea').fill('条款清楚，同意');
    await click('.task', '同意');
    expect(await banner()).toContain('已完成：同意');
    expect(await task('HT-2026-301').count()).toBe(0);

    await as('sun');
    await click('.task', '同意');
    await as('qian');
    expect(await task('HT-2026-301').innerText()).toMatch(/截止：.*GMT\+1|截止：.*CET/); // Berlin
    await page.screenshot({ path: join(shots, 'inbox-task-zh.png'), fullPage: true });
    await click('.task', '同意');

    await as('wang');
    expect(await task('HT-2026-301').innerText()).toContain('部门负责人审批');
    await click('.task', '同意');

    await as('li');
    expect(await page.locator('#mine-rows tr', { hasText: 'HT-2026-301' }).innerText()).toContain('待签署');
    await click('#mine-rows tr:has-text("HT-2026-301")', '记录');
    const history = await page.locator('#history-rows').innerText();
    for (const who of ['李娜', '赵敏', '孙丽', '钱工', '王经理']) expect(history).toContain(who);
    expect(history).toContain('条款清楚，同意');
    expect(history).toContain('✕ 转交 (OPERATION_NOT_ALLOWED)'); // the refusal is on record too
    await page.screenshot({ path: join(shots, 'inbox-history-zh.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('add a signer, an admin suspends/resumes and reassigns a leaver\'s work, the initiator withdraws', async () => {
    await as('li');
    await page.fill('input[name=contractNo]', 'HT-2026-302');
    await click('#new', '创建并提交');

    await as('zhao');
    await task('HT-2026-302').locator('select[name=person]').selectOption('zhou');
    await click('.task:has-text("HT-2026-302")', '加签');
    expect(await banner()).toContain('已完成：加签');

    await as('feng');
    await page.fill('#admin-reason', '合同核查');
    await click('#admin-rows tr:has-text("HT-2026-302")', '挂起');
    expect(await page.locator('#admin-rows tr', { hasText: 'HT-2026-302' }).innerText()).toContain('已挂起');
    await click('#admin-rows tr:has-text("HT-2026-302")', '恢复');
    expect(await page.locator('#admin-rows tr', { hasText: 'HT-2026-302' }).innerText()).not.toContain('已挂起');
    await page.selectOption('#reassign-form select[name=from]', 'qian');
    await page.selectOption('#reassign-form select[name=to]', 'wu');
    await page.fill('#admin-reason', '钱工离职');
    await click('#reassign-form', '转办全部待办');
    expect(await page.locator('#reassign-result').innerText()).toBe('已转办 1 项。');

    await as('wu');
    expect(await task('HT-2026-302').innerText()).toMatch(/截止：.*(EST|EDT|GMT-[45])/); // New York
    await as('qian');
    expect(await task('HT-2026-302').count()).toBe(0);

    await as('li');
    await click('#mine-rows tr:has-text("HT-2026-302")', '撤回');
    expect(await page.locator('#mine-rows tr', { hasText: 'HT-2026-302' }).innerText()).toContain('已撤回');
    expect(errors).toEqual([]);
  });

  it('en: the same screens in English, refusals included', async () => {
    await page.selectOption('#lang', 'en');
    await ready();
    await as('feng');
    expect(await page.locator('#admin h2').innerText()).toBe('Administration');
    await page.fill('#admin-reason', '');
    await click('#admin-rows tr:has-text("HT-2026-301")', 'Suspend');
    const refusal = await banner();
    expect(refusal).toContain('That did not go through: The request is incomplete');
    expect(refusal).toContain('"reason"');
    await page.fill('#admin-reason', 'audit');
    expect(await page.locator('#reassign-result').innerText()).toBe(''); // nothing stale from the other language
    await page.screenshot({ path: join(shots, 'inbox-admin-en.png'), fullPage: true });
    await as('li');
    expect(await page.locator('#inbox h2').innerText()).toBe('My inbox');
    expect(await page.locator('#mine-rows').innerText()).toContain('Signing');
    await click('#mine-rows tr:has-text("HT-2026-301")', 'History');
    const history = await page.locator('#history-rows').innerText();
    expect(history).toContain('Started');
    expect(history).toContain('Approve');
    await page.screenshot({ path: join(shots, 'inbox-history-en.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
