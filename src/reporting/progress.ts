/**
 * Progress for long work (demo data generation, imports, a segment run) on the command line.
 *
 * On a TTY: one line redrawn in place (bar, counts, rate, ETA) at most ~10 times a second.
 * Elsewhere (CI logs, files, pipes): a plain line at each 10% or every ~2 s, whichever comes first, and a
 * final line, so a log stays short and still shows that the job moves.
 *
 * tick() sits in hot loops over millions of rows, so it only decrements a counter; the clock is read once
 * per "stride" of ticks, and the stride adapts so that the clock is read about every 10 ms of work. No timer
 * is used: a timer would keep the process alive and redraw while nothing changes.
 */
import { formatClock, formatDuration, formatInt } from './format';

export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): boolean;
  columns?: number;
}

export interface ProgressOptions {
  label: string;
  /** Known amount of work; without it there is no bar, percentage or ETA. */
  total?: number;
  /** What is counted, e.g. "orders"; shown after the counts. */
  unit?: string;
  /** Default process.stderr, so progress never mixes with data written to stdout. */
  stream?: NodeJS.WriteStream | ProgressStream;
  /** Milliseconds clock, injectable for tests; default performance.now. */
  now?: () => number;
}

export interface Progress {
  /** Adds n (default 1) to the count. Cheap enough for a hot loop. */
  tick(n?: number): void;
  /** Sets the count to an absolute value (after a batch); always checks whether to print. */
  set(done: number): void;
  /** Changes the label (a new phase of the same work); redraws at once on a TTY. */
  update(label: string): void;
  /** Prints the final line; later calls and ticks are ignored. */
  done(message?: string): void;
  /** The current count. */
  readonly count: number;
}

const TTY_REDRAW_MS = 100;
const LOG_EVERY_MS = 2000;
const TARGET_CHECK_MS = 10;
/** Bounds the delay before the stride adapts when ticks suddenly become slow. */
const MAX_STRIDE = 10_000;

export function createProgress(options: ProgressOptions): Progress {
  return new ProgressReporter(options);
}

class ProgressReporter implements Progress {
  count = 0;
  private label: string;
  private readonly total: number | undefined;
  private readonly unit: string;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly start: number;
  private stride = 1;
  private countdown = 1;
  private lastCheck: number;
  private lastOutput: number;
  /** Count at which the next 10% line is due (non-TTY with a total). */
  private nextMilestone = Infinity;
  private finished = false;

  constructor(options: ProgressOptions) {
    this.label = options.label;
    this.total = options.total !== undefined && options.total > 0 ? options.total : undefined;
    this.unit = options.unit ?? '';
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
    this.lastCheck = this.start;
    this.lastOutput = this.start;
    if (this.total !== undefined) this.nextMilestone = this.milestoneAfter(0);
    // A TTY shows the label at once, so the user knows what is being waited for; a log gets no "0 of N" line.
    if (this.tty) this.draw(this.start);
  }

  tick(n = 1): void {
    this.count += n;
    if (--this.countdown > 0) return;
    this.check(false);
  }

  set(done: number): void {
    this.count = done;
    this.check(true);
  }

  update(label: string): void {
    this.label = label;
    if (this.tty && !this.finished) this.draw(this.now());
  }

  done(message?: string): void {
    if (this.finished) return;
    this.finished = true;
    const t = this.now();
    const elapsed = t - this.start;
    const rate = this.rate(t);
    const unit = this.unit ? ` ${this.unit}` : '';
    const stats = `${formatInt(this.count)}${unit} in ${formatDuration(elapsed)}${rate === undefined ? '' : ` (${formatRate(rate)}/s)`}`;
    const line = `${this.label}: ${message ?? 'done'}, ${stats}`;
    this.stream.write(this.tty ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  /** Reads the clock, re-aims the stride at ~10 ms between reads, and prints when due. */
  private check(force: boolean): void {
    if (this.finished) return;
    const t = this.now();
    const dt = t - this.lastCheck;
    if (!force) {
      const estimate = dt > 0 ? Math.round((this.stride * TARGET_CHECK_MS) / dt) : this.stride * 2;
      this.stride = Math.min(MAX_STRIDE, Math.max(1, estimate));
    }
    this.countdown = this.stride;
    this.lastCheck = t;
    if (this.tty) {
      if (t - this.lastOutput >= TTY_REDRAW_MS) this.draw(t);
      return;
    }
    const milestone = this.count >= this.nextMilestone && (this.total === undefined || this.count < this.total);
    if (milestone || t - this.lastOutput >= LOG_EVERY_MS) {
      this.lastOutput = t;
      if (this.total !== undefined) this.nextMilestone = this.milestoneAfter(this.count);
      this.stream.write(`${this.logLine(t)}\n`);
    }
  }

  /** The first count past `count` that completes another tenth of the total. */
  private milestoneAfter(count: number): number {
    const total = this.total as number;
    const tenth = Math.floor((count * 10) / total) + 1;
    return Math.ceil((total * tenth) / 10);
  }

  private rate(t: number): number | undefined {
    const seconds = (t - this.start) / 1000;
    return seconds > 0 && this.count > 0 ? this.count / seconds : undefined;
  }

  /** `import orders: 50,000 / 200,000 orders (25%) 41,230/s, ETA 0:04` */
  private logLine(t: number): string {
    const rate = this.rate(t);
    const unit = this.unit ? ` ${this.unit}` : '';
    const ratePart = rate === undefined ? '' : ` ${formatRate(rate)}/s`;
    if (this.total === undefined) return `${this.label}: ${formatInt(this.count)}${unit}${ratePart}`;
    const pct = Math.floor((this.count / this.total) * 100);
    const eta = rate === undefined ? '' : `, ETA ${formatClock((this.total - this.count) / rate)}`;
    return `${this.label}: ${formatInt(this.count)} / ${formatInt(this.total)}${unit} (${pct}%)${ratePart}${eta}`;
  }

  /** Redraws the TTY line, fitted to the terminal width so it never wraps (a wrapped line cannot be redrawn). */
  private draw(t: number): void {
    this.lastOutput = t;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const rate = this.rate(t);
    const unit = this.unit ? ` ${this.unit}` : '';
    const rateText = rate === undefined ? '' : `  ${formatRate(rate)}/s`;
    let line: string;
    if (this.total === undefined) {
      line = `${this.label}  ${formatInt(this.count)}${unit}${rateText}  ${formatClock((t - this.start) / 1000)}`;
    } else {
      const fraction = Math.min(1, this.count / this.total);
      const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
      const totalText = formatInt(this.total);
      const eta = rate === undefined ? '' : `  ETA ${formatClock((this.total - this.count) / rate)}`;
      const tail = `${pct}  ${formatInt(this.count).padStart(totalText.length)}/${totalText}${unit}${rateText}${eta}`;
      // The bar is sized for a wide tail (rate up to 999,999/s, ETA up to 59:59), not the current one, so it
      // does not shrink and grow as the figures change; a rarer, wider tail is cut at the end instead.
      const widestTail = 4 + 2 + 2 * totalText.length + 1 + unit.length + 11 + 11;
      const barWidth = Math.min(30, width - this.label.length - widestTail - 3);
      const bar = barWidth >= 8 ? ` ${renderBar(fraction, barWidth)} ` : ' ';
      line = `${this.label}${bar} ${tail}`;
    }
    if (line.length > width) line = `${line.slice(0, width - 1)}\u2026`;
    this.stream.write(`\r${line}\x1b[K`);
  }
}

/** Eighth-block characters give the bar sub-character resolution, so slow progress still visibly moves. */
function renderBar(fraction: number, width: number): string {
  const eighths = Math.round(fraction * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const partialChar = partial > 0 ? String.fromCharCode(0x2590 - partial) : '';
  return '\u2588'.repeat(full) + partialChar + '\u2591'.repeat(width - full - (partial > 0 ? 1 : 0));
}

function formatRate(perSecond: number): string {
  return perSecond >= 100 ? formatInt(perSecond) : perSecond.toFixed(1);
}
