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
    super(file.startsWith('--') && !jsonPath ? `${file}: ${detail}` : `${file}: ${jsonPath || '(top level)'}: ${detail}`);
    this.name = 'InputError';
  }
}
