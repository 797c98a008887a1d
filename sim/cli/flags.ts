/** Command-line checks yargs does not make. */
import * as fs from 'fs';
import * as path from 'path';

/**
 * yargs turns a flag given twice into an array (`--out a --out b`, `--no-trace --trace x`),
 * which later code would use as a path. Returns the one-line complaint, or undefined.
 * `arrays` are the flags that may repeat.
 */
export function checkRepeatedFlags(args: Record<string, unknown>, arrays: readonly string[]): string | undefined {
  for (const [key, v] of Object.entries(args)) {
    // yargs stores each flag twice (dashed and camelCase); check the dashed/plain spelling only.
    if (key === '_' || key === '$0' || /[A-Z]/.test(key) || arrays.includes(key) || !Array.isArray(v)) continue;
    if (v.some((x) => x === false) && v.some((x) => x !== false)) return `--${key} and --no-${key} conflict; give one of them`;
    const shown = v.map((x) => (typeof x === 'string' ? JSON.stringify(x.slice(0, 60)) : String(x))).join(', ');
    return `--${key} given ${v.length} times (${shown}); give it once`;
  }
  return undefined;
}

/** Flags and positionals that name a file (an empty value is never meant). */
const PATH_FLAGS = ['scenario', 'package', 'schedule', 'schedule-out', 'trace', 'chrome-trace', 'out', 'scenario-out', 'html', 'scenarios', 'packages'];
const PATH_POSITIONALS = ['spec', 'files', 'model'];

/**
 * A file flag given an empty string (`--scenario ''`, or `--trace` with no value) would be read
 * as a file named "" ("file not found" with no name), a folder (EISDIR), or silently no output
 * at all (`--trace ''`, `--html ''`). Returns the one-line complaint naming the flag, or undefined.
 */
export function checkEmptyPaths(args: Record<string, unknown>): string | undefined {
  for (const key of [...PATH_FLAGS, ...PATH_POSITIONALS]) {
    const v = args[key];
    if (v === '' || (Array.isArray(v) && v.includes(''))) {
      const name = PATH_POSITIONALS.includes(key) ? `<${key}>` : `--${key}`;
      return `${name} needs a file path, and got none (an empty value, or the flag with no value after it)`;
    }
  }
  return undefined;
}

/** Edit distance (insertions, deletions, substitutions; a swap of neighbours counts 1). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidates nearest to `word`, closest first (at most `n`): within an edit distance of a
 * third of the word (at least 2), or containing it / contained in it (a prefix typed, a
 * suffix dropped).
 */
export function nearest(word: string, candidates: readonly string[], n = 3): string[] {
  const w = word.toLowerCase();
  const scored = candidates.map((c) => {
    const x = c.toLowerCase();
    const dist = editDistance(w, x);
    const sub = w.length >= 3 && (x.includes(w) || w.includes(x));
    return { c, score: sub ? Math.min(dist, 1.5) : dist };
  });
  const limit = Math.max(2, Math.floor(w.length / 3));
  return scored.filter((s) => s.score <= limit).sort((a, b) => a.score - b.score || a.c.localeCompare(b.c)).slice(0, n).map((s) => s.c);
}

/**
 * yargs' "Unknown argument(s): a, b" as a line that suggests the nearest command (for the word
 * in the command's place) or option; other messages unchanged.
 */
export function unknownArgumentMessage(msg: string, argv: readonly string[], commands: readonly string[], options: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(msg.trim());
  if (!m) return msg;
  const words = m[1].split(', ');
  return words.map((w) => {
    if (w === argv[0] && !commands.includes(w)) {
      const near = nearest(w, commands, 1);
      return `unknown command "${w}"${near.length ? ` (did you mean "${near[0]}"?)` : ''}; \`mcmsim --help\` lists the commands`;
    }
    const near = nearest(w, options, 1);
    return `unknown option --${w}${near.length ? ` (did you mean --${near[0]}?)` : ''}; \`mcmsim ${commands.includes(argv[0]) ? argv[0] + ' ' : ''}--help\` lists the options`;
  }).join('; ');
}

/** The shipped inputs a name may stand for: models/<folder>/<name>.json. */
export type Shipped = 'packages' | 'scenarios';

function shippedNames(root: string, folder: Shipped): string[] {
  const dir = path.join(root, 'models', folder);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/**
 * `--package het_sides_3x3`: a path that exists is used as given; else a bare name (no folder)
 * of a shipped input (models/packages, models/scenarios) is that file. Anything else is the
 * one-line complaint naming the closest shipped names (`error`), checked before any work.
 */
export function resolveInput(flag: string, value: string, folder: Shipped, root: string): { file: string } | { error: string } {
  if (fs.existsSync(value)) return { file: value };
  const bare = !value.includes('/') && !value.includes(path.sep);
  const names = shippedNames(root, folder);
  const stem = path.basename(value).replace(/\.json$/, '');
  if (bare && names.includes(stem)) return { file: path.join(root, 'models', folder, `${stem}.json`) };
  const near = nearest(stem, names, 4);
  const kind = folder === 'packages' ? 'package' : 'scenario';
  return {
    error: `--${flag} ${value}: file not found, and no shipped ${kind} of that name${near.length ? `; closest shipped ${kind}s: ${near.join(', ')}` : ''} (names from models/${folder}, or a path to a JSON file)`,
  };
}

/** Flags that name a file the command writes. */
export const OUTPUT_FLAGS = ['trace', 'chrome-trace', 'schedule-out', 'out', 'scenario-out', 'html', 'out-package'];

/**
 * Checks, before any work, that `file` can be written the way sim/output/atomic.ts will write
 * it (a temporary file in its folder, renamed; a missing last folder level is made): returns
 * the one-line complaint, or undefined. Probes by creating and deleting a small file in the
 * folder, because permission bits do not tell (root may write anywhere, /proc takes no new files).
 */
export function checkOutputPath(flag: string, file: string): string | undefined {
  const abs = path.resolve(file);
  const say = (why: string) => `--${flag} ${file}: ${why}`;
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) return say('is a folder; give a file name');
  let dir = path.dirname(abs);
  if (!fs.existsSync(dir)) {
    const parent = path.dirname(dir);
    if (!fs.existsSync(parent)) return say(`no folder ${path.dirname(file) || '.'} (mcmsim makes only a missing last folder level, and ${parent} does not exist either)`);
    if (!fs.statSync(parent).isDirectory()) return say(`${parent} is a file, not a folder`);
    dir = parent;
  } else if (!fs.statSync(dir).isDirectory()) return say(`${dir} is a file, not a folder`);
  const probe = path.join(dir, `.mcmsim-probe.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.unlinkSync(probe);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why: Record<string, string> = {
      EACCES: `no permission to create files in ${dir}`, EPERM: `no permission to create files in ${dir}`, EROFS: `${dir} is on a read-only file system`,
      ENOSPC: `no space left on the device of ${dir}`, EDQUOT: `disk quota exceeded in ${dir}`,
      // The folder exists (checked above), so this is a file system that takes no new files.
      ENOENT: `${dir} does not take new files (a special file system such as /proc or /sys)`,
    };
    return say(`cannot write there: ${why[code] ?? code}`);
  }
}
