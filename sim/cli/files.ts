/** Output files are written whole or not at all: to a temporary file, then renamed. */
import * as fs from 'fs';
import * as path from 'path';
import { ensureOutputDir } from '../trace/file';
import { registerTemp, releaseTemp } from './temps';

export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

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

export function describeCode(code: string): string {
  const why: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left on the device',
    EISDIR: 'it is a folder', ENOTDIR: 'a parent is a file, not a folder', EEXIST: 'a file is in the way of a folder', ENOENT: 'no such folder',
    ENAMETOOLONG: 'name too long', EDQUOT: 'disk quota exceeded',
  };
  return why[code] ? `${why[code]}, ${code}` : code;
}

export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = tempPathFor(file);
  try {
    ensureOutputDir(dir);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    registerTemp(tmp);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    releaseTemp(tmp);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    releaseTemp(tmp);
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new OutputError(file, code);
    throw e;
  }
}
