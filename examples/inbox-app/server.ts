// The inbox and admin app: `npm run inbox`, then open http://127.0.0.1:3000. SQLite by default
// (.tmp/inbox.db; DOCKET_INBOX_DB to change it), the system clock, the contract approval from
// docket/machines, and docket/http under /api. The static page in ./public talks to /api only.
//
// DEMO IDENTITY: the page sends the chosen person in an `x-demo-user` header and the server trusts
// it. A real host verifies a session or a token in `identify` instead.
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { businessCalendar, createEngine, defineWorkflow, staticDirectory, systemClock, type Clock, type DirectoryUser } from '../../src/index.js';
import { createHttpHandler } from '../../src/http/index.js';
import { sqliteStore } from '../../src/sqlite/index.js';
import { contractApproval } from '../../machines/index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Demo people: who they are, what they do, and the time zone their due dates are shown in. */
export const people: (DirectoryUser & { readonly name: string; readonly nameEn: string; readonly zone: string })[] = [
  { id: 'li', name: '李娜（销售）', nameEn: 'Li Na (sales)', roles: ['sales'], department: 'sales', supervisor: 'wang', zone: 'Asia/Shanghai' },
  { id: 'zhao', name: '赵敏（法务）', nameEn: 'Zhao Min (legal)', roles: ['legal'], department: 'legal', zone: 'Asia/Shanghai' },
  { id: 'sun', name: '孙丽（财务）', nameEn: 'Sun Li (finance)', roles: ['finance'], department: 'finance', zone: 'Asia/Shanghai' },
  { id: 'qian', name: '钱工（技术，柏林）', nameEn: 'Qian (technical, Berlin)', roles: ['technical'], department: 'tech', zone: 'Europe/Berlin' },
  { id: 'wang', name: '王经理（销售部）', nameEn: 'Manager Wang (sales)', roles: ['manager'], department: 'sales', supervisor: 'zhou', zone: 'Asia/Shanghai' },
  { id: 'zhou', name: '周总（副总裁）', nameEn: 'VP Zhou', roles: ['vp'], department: 'exec', zone: 'Asia/Shanghai' },
  { id: 'wu', name: '吴工（技术，接替）', nameEn: 'Wu (technical, successor)', roles: ['engineer'], department: 'tech', zone: 'America/New_York' },
  { id: 'feng', name: '冯管理员', nameEn: 'Feng (admin)', roles: ['admin'], department: 'it', zone: 'Asia/Shanghai' },
];

const calendar = businessCalendar({ holidays: ['CN'] });

/**
 * The contract approval from docket/machines, with the demo's service level on top: its steps set no
 * deadline of their own, so each task is shown as due two working days (China's calendar, 调休
 * included) after it arrived. A step's own deadline, where a workflow has one, wins.
 */
const contract = defineWorkflow({
  ...contractApproval,
  tasks: (args) => (contractApproval.tasks?.(args) ?? []).map((t) => ({ ...t, dueAt: t.dueAt ?? calendar.addWorkingDays(t.createdAt, 2) })),
});

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export interface InboxAppOptions {
  /** SQLite file. Default `.tmp/inbox.db` in the repository. */
  readonly filename?: string;
  /** Default 3000; 0 for an ephemeral port. Always on 127.0.0.1. */
  readonly port?: number;
  readonly clock?: Clock;
}

/** Start the app; resolves once it listens. `close()` stops the worker loop, the server and the store. */
export async function startInboxApp(options: InboxAppOptions = {}): Promise<{ url: string; close(): Promise<void> }> {
  const filename = options.filename ?? resolve(here, '../../.tmp/inbox.db');
  mkdirSync(dirname(filename), { recursive: true });
  const store = sqliteStore({ filename });
  await store.init();
  const engine = createEngine({
    store, clock: options.clock ?? systemClock(), calendar,
    directory: staticDirectory({ users: people, departmentHeads: { sales: 'wang' } }),
    workflows: [contract],
    // The demo's effects only say what a real integration would do (ERP calls, mails).
    effects: Object.fromEntries(['erpCreateCustomer', 'erpCreateSalesOrder', 'chaseReceivable', 'contractClosed', 'remindSigning', 'approval.assigned', 'approval.remind', 'approval.cc']
      .map((type) => [type, () => {}])),
  });
  const api = createHttpHandler({
    engine, workflows: [contract], basePath: '/api',
    identify: (req) => {
      const p = people.find((x) => x.id === req.headers.get('x-demo-user'));
      return p && { id: p.id, roles: p.roles, name: p.name };
    },
  });
  const fetch = async (req: Request): Promise<Response> => {
    const { pathname } = new URL(req.url);
    if (pathname.startsWith('/api/')) return api(req);
    // The page and its people are read-only: any other method was answered with the file (a POST, a
    // PUT or a DELETE of /app.js got 200 and the script), as if it had done something.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return new Response(`${req.method} is not allowed here: this file is read-only (GET, HEAD).`, { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } });
    }
    if (pathname === '/demo/people.json') return Response.json(people.map(({ id, name, nameEn, roles, zone }) => ({ id, name, nameEn, roles, zone })));
    const file = pathname === '/' ? 'index.html' : pathname.slice(1);
    if (!/^[a-z-]+\.(html|js|css)$/.test(file)) return new Response('Not found', { status: 404 });
    try {
      return new Response(await readFile(join(here, 'public', file)), { headers: { 'content-type': TYPES[extname(file)]! } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
  const stop = new AbortController();
  const running = engine.run({ signal: stop.signal }).catch((error: unknown) => console.error('engine.run stopped:', error));
  const server = await new Promise<ServerType>((ready) => {
    const s = serve({ fetch, port: options.port ?? 3000, hostname: '127.0.0.1' }, () => ready(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async close() {
      await new Promise<void>((done) => server.close(() => done())); // stop taking requests
      stop.abort(); // finish the current tick, then stop
      await running;
      await engine.close();
      await store.close();
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = await startInboxApp({ ...(process.env.PORT ? { port: Number(process.env.PORT) } : {}), ...(process.env.DOCKET_INBOX_DB ? { filename: process.env.DOCKET_INBOX_DB } : {}) });
  console.log(`Docket inbox: ${app.url}  (Ctrl-C to stop)`);
  const shutdown = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
