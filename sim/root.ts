/**
 * The repository root (where models/ and traces/ live), found the same way from the TypeScript
 * sources (sim/...) and from the compiled CLI (dist/sim/...): the nearest folder above this file
 * holding mcmsim's package.json.
 */
import * as fs from 'fs';
import * as path from 'path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && fs.existsSync(path.join(dir, 'models'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export const ROOT = findRoot(__dirname);

/** mcmsim's version, from its package.json (reports and traces name the version that made them). */
export const VERSION: string = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
