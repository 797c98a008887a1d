/**
 * Ctrl-C during `run`, `compare` or `reproduce`: one line on stderr saying what was stopped and
 * what was (not) written, e.g.
 *   mcmsim: interrupted (Ctrl-C): stopped run while simulating 780 jobs of default on het_3x3; nothing was written
 *
 * The schedulers and the simulator run synchronously for seconds, and a JavaScript signal
 * handler only runs when the event loop is free, so the process keeps its default behaviour (it
 * dies at once, sim/output/atomic.ts deletes its temporary files) and a small helper process
 * prints the line: it shares the terminal's process group, so Ctrl-C reaches it too and it
 * speaks at once; it learns through a pipe what the command is doing, and also speaks when the
 * pipe closes without the "done" the command sends on any normal exit (the command was killed).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';

const HELPER = `
let done = false, buf = '', what = process.argv[1];
const wrote = [];
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const l = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (l === 'done') done = true; else if (l[0] === 's') what = l.slice(1); else if (l[0] === 'w') wrote.push(l.slice(1));
  }
});
let ctrlC = false;
function speak() {
  if (done) return;
  done = true;
  const written = wrote.length ? 'wrote only ' + wrote.join(', ') + ' before' : 'nothing was written';
  process.stderr.write('mcmsim: ' + (ctrlC ? 'interrupted (Ctrl-C)' : 'killed by a signal') + ': stopped ' + what + '; ' + written + '\\n');
}
// Ctrl-C reaches the whole process group (the command dies of it too): speak once the command's
// last status lines still in the pipe are read (the pipe's end), or after 100 ms at most.
process.on('SIGINT', () => { ctrlC = true; setTimeout(() => { speak(); process.exit(0); }, 100); });
process.on('SIGTERM', () => {});
process.stdin.on('end', () => { speak(); process.exit(0); });
`;

/** What a long command is doing, for the line printed if it is stopped. */
export class StopNotice {
  private fd = -1;
  constructor(private readonly child: ChildProcess | null) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const handle = (child?.stdin as any)?._handle;
    this.fd = typeof handle?.fd === 'number' ? handle.fd : -1;
    process.on('exit', () => this.send('done'));
  }
  /** "run while simulating 780 jobs of ..." */
  status(what: string): void {
    this.send('s' + what);
  }
  /** A file the command finished writing (then the line no longer says "nothing was written"). */
  wrote(file: string): void {
    this.send('w' + file);
  }
  private send(line: string): void {
    try {
      // Synchronous: the helper must know before the process can be killed.
      if (this.fd >= 0) fs.writeSync(this.fd, line.replace(/\n/g, ' ') + '\n');
    } catch {
      this.fd = -1; // the helper is gone: no line, nothing else changes
    }
  }
}

/** Starts the helper (about 40 ms and 40 MB, once per command); without it the notice does nothing. */
export function startStopNotice(what: string): StopNotice {
  try {
    const child = spawn(process.execPath, ['-e', HELPER, what], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.unref();
    (child.stdin as unknown as { unref?: () => void })?.unref?.();
    child.on('error', () => undefined);
    return new StopNotice(child);
  } catch {
    return new StopNotice(null);
  }
}
