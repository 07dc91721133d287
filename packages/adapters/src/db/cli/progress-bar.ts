/**
 * A tiny progress bar on a stream (stderr by default). On a terminal it redraws one line at most every 100 ms;
 * elsewhere (CI logs, pipes) it prints a plain line every 10% so logs stay short.
 */
export interface ProgressBar {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

export function createProgressBar(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
  width = 30,
): ProgressBar {
  const started = Date.now();
  let lastDraw = 0;
  let lastDecile = -1;
  const tty = Boolean(stream.isTTY);

  const render = (done: number, detail: string) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    return `${label} [${bar}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${seconds}s ${detail}`;
  };

  return {
    update(done, detail = '') {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        stream.write(`\r${render(done, detail)}\x1b[K`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${render(done, detail)}\n`);
      }
    },
    finish(detail = '') {
      stream.write(`${tty ? '\r' : ''}${render(total, detail)}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}
