/**
 * `--html FILE`: the command's report as one self-contained HTML page (sim/report/html), written
 * whole or not at all. The page names the command line, the inputs, mcmsim's version and the seed.
 */
import * as path from 'path';
import { writeFileAtomic } from '../output/atomic';
import { HtmlReport, renderHtml, ReportMeta } from '../report/html/page';
import { sweepReport, SweepRow } from '../report/html/sweep';

// eslint-disable-next-line @typescript-eslint/no-require-imports
import { VERSION } from '../root';

/** The report's provenance: `mcmsim` and the arguments as typed (argv after the script). */
export function reportMeta(inputs: string[], seed: string, argv: string[] = process.argv.slice(2)): ReportMeta {
  const quote = (a: string) => (/^[\w./=:@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const rel = (f: string) => (path.isAbsolute(f) ? path.relative(process.cwd(), f) || '.' : f);
  return { command: ['mcmsim', ...argv].map(quote).join(' '), inputs: inputs.map(rel), version: VERSION, seed };
}

/** Writes the page, then says so on stderr unless --quiet (stdout carries the command's own table or JSON). */
export function writeHtmlReport(file: string, report: HtmlReport, quiet: boolean): void {
  const html = renderHtml(report);
  writeFileAtomic(file, html);
  if (!quiet) process.stderr.write(`wrote ${file} (HTML report, ${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`);
}

/**
 * `sweep merge --html FILE`: the merged result lines (sim/report/sweep.ts's SweepLine) as plots;
 * the seeds come from the units (a sweep has no --seed).
 */
export function writeSweepHtml(file: string, lines: readonly SweepRow[], resultFiles: string[], quiet: boolean, argv?: string[]): void {
  const seeds = [...new Set(lines.map((l) => l.seed))];
  writeHtmlReport(file, sweepReport(lines, reportMeta(resultFiles, seeds.join(', ') || '(none)', argv)), quiet);
}
