/**
 * An output file that appears only when complete: bytes go to a temporary file in the same
 * folder (so the final rename stays on one file system and is atomic), commit() renames it over
 * the target, abort() deletes it. Writes are synchronous, in the big chunks the sinks hand over,
 * so no write queue builds up in memory (no backpressure to manage).
 *
 * Temporary files still open when the process exits (a crash in the simulator, an exit from
 * the CLI) are deleted by an 'exit' hook; on SIGINT/SIGTERM the CLI's reaper process deletes
 * them (tempFileHooks, sim/cli/temps.ts). They are named `.<name>.<pid>.<random>.tmp` (git-ignored).
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';

/** Told of each temporary file before it is created and after it is gone (the CLI's cleanup on signals, sim/cli/temps.ts). */
/**
 * Makes an output file's folder when only its last level is missing (e.g. traces/out in a fresh
 * clone); a deeper missing path is an ENOENT error, so a mistyped path creates no folders, and
 * no recursive mkdir runs (it never returns on some pseudo file systems, e.g. under /proc).
 */
export function ensureOutputDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a folder, ${dir}`), { code: 'ENOTDIR', syscall: 'mkdir', path: dir });
    return;
  }
  if (!fs.existsSync(path.dirname(dir))) throw Object.assign(new Error(`ENOENT: no such folder, ${path.dirname(dir)}`), { code: 'ENOENT', syscall: 'mkdir', path: path.dirname(dir) });
  fs.mkdirSync(dir);
}

export const tempFileHooks: { created?: (tmpPath: string) => void; removed?: (tmpPath: string) => void } = {};

const openTemps = new Set<string>();
let exitHooked = false;

function removeOpenTemps(): void {
  for (const p of openTemps) {
    try {
      fs.unlinkSync(p);
    } catch {
      // already gone
    }
  }
  openTemps.clear();
}

export class AtomicFile {
  /** Absolute path of the finished file. */
  readonly path: string;
  readonly tmpPath: string;
  private fd = -1;
  private state: 'new' | 'open' | 'done' = 'new';

  /** Creates the folder if needed and checks it is writable (fails early, before a long run). */
  constructor(outPath: string) {
    this.path = path.resolve(outPath);
    const dir = path.dirname(this.path);
    // Errors stay Node's errno errors (code, syscall, path): the CLI reports them as user errors.
    ensureOutputDir(dir);
    fs.accessSync(dir, fs.constants.W_OK);
    this.tmpPath = path.join(dir, `.${path.basename(this.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  }

  open(): void {
    if (this.state !== 'new') throw new Error(`trace ${this.path} was already written`);
    tempFileHooks.created?.(this.tmpPath);
    this.fd = fs.openSync(this.tmpPath, 'wx');
    this.state = 'open';
    openTemps.add(this.tmpPath);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', removeOpenTemps);
    }
  }

  write(buf: Uint8Array): void {
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
  }

  /** Closes the temporary file and renames it to the target path. */
  commit(): void {
    if (this.state !== 'open') throw new Error(`trace ${this.path} is not open`);
    fs.closeSync(this.fd);
    this.fd = -1;
    fs.renameSync(this.tmpPath, this.path);
    openTemps.delete(this.tmpPath);
    tempFileHooks.removed?.(this.tmpPath);
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
      openTemps.delete(this.tmpPath);
      tempFileHooks.removed?.(this.tmpPath);
    }
    this.state = 'done';
  }
}
