/**
 * Progress of a run of N units on stderr: on a terminal one line rewritten in place, "k of N"
 * with the time left (elapsed / k x units left: units of one run cost about the same, and the
 * estimate settles as units finish); otherwise (a log, a Slurm output file) one line per unit.
 */
export class Progress {
  private done = 0;
  private readonly t0 = Date.now();

  constructor(
    private readonly total: number,
    private readonly quiet: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** A unit finished (label: what it was, e.g. "dc1_llm on ws_6x6"). */
  unit(label: string): void {
    this.done++;
    if (this.quiet) return;
    const elapsedMs = Date.now() - this.t0;
    const head = `[${this.done}/${this.total}] ${label}`;
    if (this.stream.isTTY) {
      const leftMs = (elapsedMs / this.done) * (this.total - this.done);
      const tail = this.done < this.total ? `, ~${duration(leftMs)} left` : '';
      this.stream.write(`\r\x1b[K${head} (${duration(elapsedMs)} elapsed${tail})${this.done === this.total ? '\n' : ''}`);
    } else {
      this.stream.write(`${head} (${duration(elapsedMs)} elapsed)\n`);
    }
  }

  /** A message between units (e.g. what is being skipped). */
  note(text: string): void {
    if (this.quiet) return;
    this.stream.write(`${this.stream.isTTY && this.done > 0 && this.done < this.total ? '\r\x1b[K' : ''}${text}\n`);
  }

  /** Ends an in-place line cut short (interrupt, error). */
  end(): void {
    if (!this.quiet && this.stream.isTTY && this.done > 0 && this.done < this.total) this.stream.write('\n');
  }
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
