/**
 * A progress bar on stderr for long work (demo generation, ingestion). Redraws at most every 100 ms;
 * prints plain lines instead when stderr is not a terminal, so CI logs stay readable.
 */
export interface Progress {
  /** Sets the position (0..total) and an optional note such as the current table. */
  update(done: number, note?: string): void;
  /** Prints the final line with the elapsed time and rate. */
  finish(note?: string): void;
}

/** Creates a progress reporter; `silent` turns it off (tests, `--json`). */
export function createProgress(options: {
  label: string;
  total: number;
  unit?: string;
  silent?: boolean;
  stream?: NodeJS.WriteStream;
}): Progress {
  const stream = options.stream ?? process.stderr;
  const started = performance.now();
  const unit = options.unit ?? 'rows';
  let lastDraw = 0;
  let lastPlainPercent = -1;
  const render = (done: number, note: string | undefined, final: boolean): void => {
    if (options.silent) return;
    const elapsed = (performance.now() - started) / 1000;
    const fraction = options.total > 0 ? Math.min(1, done / options.total) : 1;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const text = `${options.label} ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${options.total.toLocaleString('en-US')} ${unit} ${formatRate(rate)} ${unit}/s ${elapsed.toFixed(1)}s${note ? ` ${note}` : ''}`;
    if (stream.isTTY) {
      const width = 24;
      const filled = Math.round(fraction * width);
      stream.write(
        `\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}${final ? '\n' : ''}`,
      );
    } else {
      const percent = Math.floor(fraction * 10) * 10;
      if (final || percent !== lastPlainPercent) {
        lastPlainPercent = percent;
        stream.write(`${text}\n`);
      }
    }
  };
  return {
    update(done, note) {
      const now = performance.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      render(done, note, false);
    },
    finish(note) {
      render(options.total, note, true);
    },
  };
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(1)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(0);
}
