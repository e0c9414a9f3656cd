/** A one-line progress bar for long simulations; silent unless the stream is a terminal. */
export interface ProgressBar {
  update(done: number, note?: string): void;
  finish(): void;
}

/**
 * A progress bar on `stream` (stderr), drawn only when it is a TTY, so piped and `--json` output
 * stays clean.
 */
export function progressBar(stream: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): unknown; columns?: number }, total: number): ProgressBar {
  const active = stream.isTTY === true && total > 0;
  let last = '';
  return {
    update(done, note = '') {
      if (!active) return;
      const ratio = Math.min(1, Math.max(0, done / total));
      const width = 24;
      const filled = Math.round(ratio * width);
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${note}`;
      if (line === last) return;
      last = line;
      stream.write(`\r${line}\u001b[K`);
    },
    finish() {
      if (active && last !== '') stream.write('\r\u001b[K');
    },
  };
}
