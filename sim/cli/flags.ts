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

