import cliProgress from 'cli-progress';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Progress on stderr: a bar with the current task and an estimate of the time left on a terminal, plain lines
 * otherwise (pipes, CI logs). Work is counted in estimated milliseconds so the estimate weighs long tasks
 * more.
 */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private total = 1;
  private done = 0;
  private started = 0;
  private label = '';
  private lastLine = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
    private readonly interactive = Boolean(stream.isTTY) && !process.env.CI,
  ) {}

  /** A line outside the bar (set-up steps before the measured work starts). */
  note(line: string): void {
    if (this.bar) return;
    this.stream.write(`${line}\n`);
  }

  start(totalUnits: number): void {
    this.total = Math.max(1, totalUnits);
    this.done = 0;
    this.started = performance.now();
    if (this.interactive) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: '{bar} {percentage}% | {left} left | {task}',
          hideCursor: true,
          clearOnComplete: true,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, 0, { task: 'starting', left: '?' });
    }
  }

  private left(): string {
    if (this.done <= 0) return '?';
    const elapsed = performance.now() - this.started;
    return formatDuration((elapsed / this.done) * (this.total - this.done));
  }

  /** Names the task now running. */
  task(label: string): void {
    this.label = label;
    if (this.bar) {
      this.bar.update(Math.min(this.done, this.total), { task: label, left: this.left() });
      return;
    }
    // plain lines: one per task, but not more than two a second
    const now = performance.now();
    if (now - this.lastLine < 500) return;
    this.lastLine = now;
    const percent = Math.min(99, Math.floor((100 * this.done) / this.total));
    this.stream.write(`[${String(percent).padStart(2)}%] ~${this.left()} left | ${label}\n`);
  }

  advance(units: number): void {
    this.done += units;
    this.bar?.update(Math.min(this.done, this.total), { task: this.label, left: this.left() });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
