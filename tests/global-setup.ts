import { execFileSync } from 'node:child_process';

// Build dist/ once for the whole run: the CLI and package tests use the built output as a user would,
// and two test files building at once would race on dist/.
export default function setup(): void {
  if (process.env.DOCKET_SKIP_BUILD === '1') return;
  execFileSync('npx', ['tsup', '--silent'], { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname });
}
