// `npm run docs:serve`: serve docs/site on localhost (PORT, default 4173). Static files only.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), 'site');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Serve `dir` over HTTP on `port` (0 for any free port); resolves with the listening server. */
export function serveSite(dir: string, port: number, host = '127.0.0.1') {
  const server = createServer((req, res) => {
    // The path as sent (not `new URL`: `//` would throw, `//x/a` would lose `x`), without its query.
    const pathname = (req.url ?? '/').split(/[?#]/)[0] || '/';
    let name: string;
    try {
      name = decodeURIComponent(pathname);
    } catch {
      name = '\0';
    }
    if (name.includes('\0')) {
      // A malformed escape (`/%E0%A4%A`) or a NUL is the client's mistake: refuse it, keep serving.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request: not a valid percent-encoded path.');
      return;
    }
    let path = normalize(join(dir, name));
    if (path !== dir && !path.startsWith(dir + sep)) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${pathname}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(path).pipe(res);
  });
  return new Promise<typeof server>((done) => server.listen(port, host, () => done(server)));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  if (!existsSync(join(root, 'index.html'))) {
    process.stderr.write(`No site in ${root}: run \`npm run docs\` first.\n`);
    process.exit(1);
  }
  const port = Number(process.env['PORT'] ?? 4173);
  const server = await serveSite(root, port);
  const address = server.address();
  process.stdout.write(`Docket docs on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/ (Ctrl-C to stop)\n`);
}
