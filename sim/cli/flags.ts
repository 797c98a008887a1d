/** Command-line checks yargs does not make. */
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
