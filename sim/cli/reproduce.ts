/**
 * `mcmsim reproduce scar`: argument checks, progress on stderr, and output. The work itself is in
 * sim/report/reproduce.ts.
 */
import * as path from 'path';
import { reproduceScar, ReproOptions, ReproUnit, UnitResult } from '../report/reproduce';
import { reproduceText } from '../report/reproduce-format';
import { ObjectiveName } from '../sched/objective';
import { reproduceReport } from '../report/html/reproduce';
import { reportMeta, writeHtmlReport } from './html';

export interface ReproduceArgs {
  paper: string;
  grid: '3x3' | '6x6';
  objective: ObjectiveName;
  seed: string;
  sides: 'nvd' | 'shi';
  slo: boolean;
  json: boolean;
  quiet: boolean;
  format: 'text' | 'md';
  html?: string;
  argv?: string[];
}

const ROOT = path.resolve(__dirname, '../..');

/** One line per finished unit; on a terminal, k of N and the time left on one updating line. */
function progressReporter(quiet: boolean) {
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  return (done: number, total: number, u: ReproUnit, r: UnitResult) => {
    for (const w of r.warnings) process.stderr.write(`${tty && !quiet ? '\n' : ''}mcmsim: ${w}\n`);
    if (quiet) return;
    const what = `scenario ${u.scenarioId} ${u.key}: ${((r.scheduleCpuMs + r.evaluateCpuMs) / 1000).toFixed(1)} s`;
    if (!tty) {
      process.stderr.write(`[${done}/${total}] ${what}\n`);
      return;
    }
    const elapsed = (Date.now() - t0) / 1000;
    const left = (elapsed / done) * (total - done);
    process.stderr.write(`\r\x1b[K[${done}/${total}] ${what}; about ${left.toFixed(0)} s left${done === total ? '\n' : ''}`);
  };
}

export async function runReproduce(args: ReproduceArgs): Promise<string> {
  const o: ReproOptions = { grid: args.grid, objective: args.objective, seed: args.seed, sides: args.sides, slo: args.slo };
  const report = await reproduceScar(ROOT, o, progressReporter(args.quiet));
  if (args.html) writeHtmlReport(args.html, reproduceReport(report, reportMeta(['models/scenarios/scar*.json', 'models/packages/scar_*.json'], args.seed, args.argv)));
  return args.json ? JSON.stringify(report, null, 2) : reproduceText(report, args.format === 'md');
}
