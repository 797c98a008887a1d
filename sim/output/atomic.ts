/**
 * Output files appear whole or not at all: bytes go to a temporary file in the target's folder
 * (so the final rename stays on one file system and is atomic), commit() renames it over the
 * target, abort() deletes it. Every file mcmsim writes (schedules, traces, reports, imported
 * workloads, sweep results) goes through here, so this module imports nothing of the project:
 * traces, reports and the CLI can all use it.
 *
 * Temporary files are named `.<name>.<pid>.<random>.tmp` (git-ignored). Any failure is an
 * OutputError naming the user's path, never the temporary file.
 *
 * Cleanup when the process ends early: a TempRegistry lists the temporary files that exist.
 * On a normal exit or a crash its 'exit' hook deletes them; on SIGINT/SIGTERM a small helper
 * process does (startReaper(), below, says why a signal handler would not do).
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** An output file that cannot be written; the message names the user's path, not the temporary file. */
export class OutputError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`${file}: cannot write (${describeCode(code)})`);
    this.name = 'OutputError';
  }
}

const WHY: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left on the device',
  EISDIR: 'it is a folder', ENOTDIR: 'a parent is a file, not a folder', EEXIST: 'a file is in the way of a folder', ENOENT: 'no such folder',
  ENAMETOOLONG: 'name too long', EDQUOT: 'disk quota exceeded',
};

/** An errno code in words, with the code: "permission denied, EACCES". */
export function describeCode(code: string): string {
  return WHY[code] ? `${WHY[code]}, ${code}` : code;
}

function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * Makes an output file's folder when only its last level is missing (e.g. traces/out in a fresh
 * clone); a deeper missing path is an ENOENT error, so a mistyped path creates no folders, and
 * no recursive mkdir runs (it never returns on some pseudo file systems, e.g. under /proc).
 */
function ensureOutputDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw errnoError('ENOTDIR', `not a folder, ${dir}`);
    return;
  }
  if (!fs.existsSync(path.dirname(dir))) throw errnoError('ENOENT', `no such folder, ${path.dirname(dir)}`);
  fs.mkdirSync(dir);
}

// Reads "+path" / "-path" lines; at end of input deletes the paths still listed.
const REAPER = `
const fs = require('fs');
const live = new Set();
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (line[0] === '+') live.add(line.slice(1)); else live.delete(line.slice(1));
  }
});
process.stdin.on('end', () => { for (const p of live) { try { fs.unlinkSync(p); } catch {} } });
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
`;

/** The temporary files that exist now, deleted if the process ends before they are committed. */
export class TempRegistry {
  private readonly live = new Set<string>();
  private exitHooked = false;
  private reaping = false;
  private reaper: ChildProcess | null = null;
  private reaperFd = -1;

  /**
   * Also deletes the listed files when the process is killed by SIGINT/SIGTERM (the CLI's entry
   * point calls this; library use and tests do not need it).
   *
   * Why a helper process: the simulator and the schedulers run synchronously for seconds to
   * minutes, and a JavaScript SIGINT/SIGTERM handler only runs when the event loop is free, so
   * installing one would make Ctrl-C wait for the end of the run. Instead the process keeps its
   * default signal behaviour (it dies at once), and a small detached helper, started with the
   * first temporary file, learns each file's name through a pipe (synchronous writes, before the
   * file is created) and deletes whatever is still listed when the pipe closes, which happens
   * however the process ends (signal, crash, normal exit). Committed files are unlisted first.
   * Temporary files that exist already are handed over too.
   */
  startReaper(): void {
    if (this.reaping) return;
    this.reaping = true;
    for (const p of this.live) this.tell('+' + p);
  }

  /** Call before creating `tmpPath`. */
  add(tmpPath: string): void {
    this.live.add(tmpPath);
    if (!this.exitHooked) {
      this.exitHooked = true;
      process.on('exit', () => this.removeAll());
    }
    this.tell('+' + tmpPath);
  }

  /** Call after `tmpPath` was renamed or deleted. */
  remove(tmpPath: string): void {
    this.live.delete(tmpPath);
    this.tell('-' + tmpPath);
  }

  /** The temporary files listed now. */
  get files(): readonly string[] {
    return [...this.live];
  }

  private removeAll(): void {
    for (const p of this.live) {
      try {
        fs.unlinkSync(p);
      } catch {
        // already gone
      }
    }
    this.live.clear();
  }

  private tell(line: string): void {
    if (!this.reaping) return;
    if (!this.reaper) {
      const reaper = spawn(process.execPath, ['-e', REAPER], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
      this.reaper = reaper;
      reaper.unref();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const handle = (reaper.stdin as any)?._handle;
      this.reaperFd = typeof handle?.fd === 'number' ? handle.fd : -1;
      (reaper.stdin as unknown as { unref?: () => void })?.unref?.();
      reaper.on('error', () => {
        this.reaperFd = -1;
      });
    }
    const text = line + '\n';
    try {
      // Synchronous: the name must reach the helper before the process can be killed.
      if (this.reaperFd >= 0) fs.writeSync(this.reaperFd, text);
      else this.reaper.stdin?.write(text);
    } catch {
      // The helper is gone; the 'exit' hook still cleans up on a normal exit.
    }
  }
}

/**
 * The process's one registry. It is process-wide state on purpose: a process has one exit and
 * one set of signals, and the reaper must hear of every temporary file, whichever code wrote it.
 * Code that wants its own (tests) passes a TempRegistry to AtomicFile / writeFileAtomic.
 */
export const processTemps = new TempRegistry();

/** Runs `f`; an errno error becomes an OutputError naming `file`. */
function naming<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && !(e instanceof OutputError)) throw new OutputError(file, code);
    throw e;
  }
}

export class AtomicFile {
  /** Absolute path of the finished file. */
  readonly path: string;
  readonly tmpPath: string;
  private fd = -1;
  private state: 'new' | 'open' | 'done' = 'new';

  /**
   * Creates the folder if needed and checks it is writable and the target is not a folder
   * (fails early, before a long run). `file` is the path as the user gave it, for messages.
   */
  constructor(
    private readonly file: string,
    private readonly temps: TempRegistry = processTemps,
  ) {
    this.path = path.resolve(file);
    const dir = path.dirname(this.path);
    naming(file, () => {
      ensureOutputDir(dir);
      fs.accessSync(dir, fs.constants.W_OK);
      if (fs.existsSync(this.path) && fs.statSync(this.path).isDirectory()) throw errnoError('EISDIR', `is a folder, ${this.path}`);
    });
    this.tmpPath = path.join(dir, `.${path.basename(this.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  }

  open(): void {
    if (this.state !== 'new') throw new Error(`${this.path} was already written`);
    this.temps.add(this.tmpPath);
    try {
      this.fd = naming(this.file, () => fs.openSync(this.tmpPath, 'wx'));
    } catch (e) {
      this.temps.remove(this.tmpPath);
      this.state = 'done';
      throw e;
    }
    this.state = 'open';
  }

  /** Writes synchronously, in the big chunks the callers hand over: no write queue builds up in memory. */
  write(buf: Uint8Array): void {
    naming(this.file, () => {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    });
  }

  /** Closes the temporary file and renames it to the target path. */
  commit(): void {
    if (this.state !== 'open') throw new Error(`${this.path} is not open`);
    naming(this.file, () => {
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.renameSync(this.tmpPath, this.path);
    });
    this.temps.remove(this.tmpPath);
    this.state = 'done';
  }

  /** Closes and deletes the temporary file; the target path is left untouched. Never throws. */
  abort(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // ignore: we are cleaning up after another error
      }
      this.fd = -1;
    }
    if (this.state === 'open') {
      try {
        fs.unlinkSync(this.tmpPath);
      } catch {
        // ignore
      }
      this.temps.remove(this.tmpPath);
    }
    this.state = 'done';
  }
}

/** Writes `text` to `file` whole or not at all. */
export function writeFileAtomic(file: string, text: string, temps: TempRegistry = processTemps): void {
  const f = new AtomicFile(file, temps);
  try {
    f.open();
    f.write(Buffer.from(text));
    f.commit();
  } catch (e) {
    f.abort();
    throw e;
  }
}
