/**
 * Typed input error. Library code throws it; the CLI prints `file: path: message` on one line
 * and exits with code 2 (see sim/cli/main.ts).
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly jsonPath: string,
    readonly detail: string,
  ) {
    // A command-line flag ("--layer") has no JSON path.
    super(file.startsWith('--') && !jsonPath ? `${file}: ${clip(detail)}` : `${clip(file)}: ${jsonPath || '(top level)'}: ${clip(detail)}`);
    this.name = 'InputError';
  }
}

/**
 * Keeps the one error line readable when it quotes what the user wrote: a quoted value longer
 * than 80 characters (or an unquoted path of 200) shows its first 40 and its length (fuzzing
 * found a 100000-character workload path echoed whole, twice), and a longer detail is cut.
 */
function clip(detail: string): string {
  const d = detail
    .replace(/"[^"]{80,}"/g, (m) => `"${m.slice(1, 41)}..." (${m.length - 2} characters)`)
    .replace(/[^\s"]{200,}/g, (m) => `${m.slice(0, 40)}... (${m.length} characters)`);
  return d.length > 1000 ? `${d.slice(0, 1000)}... (${d.length} characters)` : d;
}
