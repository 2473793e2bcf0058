/** One progress report, as `notifications/progress` carries it. */
export interface ProgressUpdate {
  progress: number;
  total?: number | undefined;
  message?: string | undefined;
}

/** Where progress is drawn: a terminal (redrawn in place) or anything else (one line per update). */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

const BAR_WIDTH = 24;

function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
}

function fraction(update: ProgressUpdate): number | undefined {
  const { progress, total } = update;
  if (total === undefined || !(total > 0)) return undefined;
  return Math.min(1, Math.max(0, progress / total));
}

/** The bar a terminal shows, cut to `columns`: `[██████░░░░░░] 50% 5/10 message`. */
export function renderProgressBar(update: ProgressUpdate, columns = 80): string {
  const done = fraction(update);
  const note = update.message ? ` ${update.message}` : '';
  let line: string;
  if (done === undefined) line = `[${'░'.repeat(BAR_WIDTH)}] ${count(update.progress)}${note}`;
  else {
    const filled = Math.round(done * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    line = `[${bar}] ${Math.floor(done * 100)}% ${count(update.progress)}/${count(update.total!)}${note}`;
  }
  // A line that wraps cannot be redrawn with a carriage return.
  return [...line].slice(0, Math.max(1, columns - 1)).join('');
}

/** The line written for each update when stderr is not a terminal: `progress 5/10 (50%): message`. */
export function renderProgressLine(update: ProgressUpdate): string {
  const done = fraction(update);
  const amount =
    done === undefined
      ? count(update.progress)
      : `${count(update.progress)}/${count(update.total!)} (${Math.floor(done * 100)}%)`;
  return `progress ${amount}${update.message ? `: ${update.message}` : ''}`;
}

/** Shows a call's progress on stderr: a bar redrawn in place on a terminal, plain lines elsewhere. */
export class ProgressReporter {
  readonly #sink: ProgressSink;
  #drawn = false;

  constructor(sink: ProgressSink) {
    this.#sink = sink;
  }

  update(update: ProgressUpdate): void {
    if (!this.#sink.isTTY) {
      this.#sink.write(`${renderProgressLine(update)}\n`);
      return;
    }
    const columns = this.#sink.columns;
    // A terminal whose size is unknown reports 0 columns.
    this.#sink.write(
      `\r\x1b[2K${renderProgressBar(update, columns !== undefined && columns > 0 ? columns : 80)}`,
    );
    this.#drawn = true;
  }

  /** Erases the bar, so that what follows starts on a clean line. */
  clear(): void {
    if (!this.#drawn) return;
    this.#sink.write('\r\x1b[2K');
    this.#drawn = false;
  }
}
