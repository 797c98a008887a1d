#!/usr/bin/env -S npx ts-node --transpile-only
/**
 * mcmsim command line. The only place that reads argv, prints or exits. Input errors become
 * one line on stderr and exit code 2; library code only throws.
 */
import * as path from 'path';
import yargs, { Argv } from 'yargs';
import { InputError } from '../input/errors';
import { evaluate, Evaluation, loadInputs, loadScheduleWithInputs, makeSchedule, ScheduleOptions, STRATEGIES, Strategy } from '../pipeline';
import { DEFAULT_SCAR, SearchLimitError } from '../sched/scar/scar';
import { comparePackages, shippedScenarios } from '../report/packages';
import { comparisonText } from '../report/format';
import { scheduleToJson } from '../input/schedule';
import { jobsCsv, jobsText, pct, summaryText, table } from '../report/format';
import { writeFileAtomic } from './files';
import { CostArgs, costOfLayer, costText } from '../report/layer';
import { openSinks } from './sinks';

const ROOT = path.resolve(__dirname, '../..');
const DEFAULT_SCENARIO = path.join(ROOT, 'models/scenarios/default.json');
const DEFAULT_PACKAGE = path.join(ROOT, 'models/packages/het_3x3.json');

interface Common {
  json: boolean;
  quiet: boolean;
  seed: string;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

function progress(args: Common, text: string): void {
  if (!args.quiet && process.stderr.isTTY) process.stderr.write(text + '\n');
}

interface SchedArgs {
  strategy: Strategy;
  windows: number;
  topK: number;
  search: 'auto' | 'exhaustive' | 'evolutionary';
  microBatches: number;
  population: number;
  generations: number;
}

function scheduleOptions(args: Common & SchedArgs): ScheduleOptions {
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${name} must be a positive integer, got ${v}`);
    return v;
  };
  return {
    strategy: args.strategy,
    seed: args.seed,
    scar: {
      windows: positive('windows', args.windows), topK: positive('top-k', args.topK), search: args.search,
      maxMicroBatches: positive('micro-batches', args.microBatches), population: positive('population', args.population), generations: positive('generations', args.generations),
    },
    onProgress: (m) => progress(args, m),
  };
}

function printEvaluation(args: Common & { jobs?: boolean }, ev: Evaluation, extra: Record<string, unknown>): void {
  const c = ev.comparison;
  const eventsPerSec = ev.sim.events / Math.max(ev.wallMs / 1000, 1e-9);
  if (args.json) {
    const { rows, ...totals } = c;
    out(JSON.stringify({ ...extra, ...totals, simWallMs: ev.wallMs, eventsPerSecond: Math.round(eventsPerSec), ...(args.jobs ? { rows } : {}) }, null, 2));
    return;
  }
  const p = ev.program.pkg;
  const mix = [...new Set(p.chiplets.map((x) => x.kind.dataflow))].map((d) => `${p.chiplets.filter((x) => x.kind.dataflow === d).length} ${d}`).join(', ');
  out(`scenario ${c.scenario} (${ev.program.scenario.models.map((m) => `${m.name} x${m.batch}`).join(', ')}; ${c.jobs} jobs)`);
  out(`package  ${c.package} (${p.rows}x${p.cols}: ${mix}), schedule ${extra.strategy ?? ''}`.trimEnd());
  out('');
  out(summaryText(c));
  out('');
  out(`per-job latency error: mean ${pct(c.jobErrorMean)}, max ${pct(c.jobErrorMax)} (|sim - ana| / ana)`);
  out(`simulation: ${c.events} events in ${ev.wallMs.toFixed(1)} ms (${(eventsPerSec / 1e6).toFixed(2)} M events/s), fingerprint ${c.fingerprint}`);
  if (args.jobs) {
    out('');
    out(jobsText(c));
  }
  for (const [k, v] of Object.entries(extra)) if (k !== 'strategy' && v) out(`${k}: ${v}`);
}

async function cmdRun(args: Common & SchedArgs & { scenario: string; package: string; trace?: string; chromeTrace?: string; tracePackets: boolean; scheduleOut?: string; jobs: boolean }) {
  const inputs = loadInputs(args.scenario, args.package);
  progress(args, `scheduling ${inputs.scenario.name} on ${inputs.pkg.name} (${args.strategy})...`);
  const schedule = makeSchedule(inputs, scheduleOptions(args));
  if (args.scheduleOut) writeFileAtomic(args.scheduleOut, scheduleToJson(schedule, args.scenario, args.package, args.scheduleOut));
  progress(args, `simulating ${schedule.jobs.length} jobs...`);
  const ev = await evaluate(schedule, inputs, () => openSinks(args.trace, args.chromeTrace, args.tracePackets));
  printEvaluation(args, ev, { strategy: args.strategy, schedule: args.scheduleOut, trace: args.trace, chromeTrace: args.chromeTrace });
}

async function cmdSimulate(args: Common & { schedule: string; trace?: string; chromeTrace?: string; tracePackets: boolean; jobs: boolean }) {
  const { schedule, ...inputs } = loadScheduleWithInputs(args.schedule);
  const ev = await evaluate(schedule, inputs, () => openSinks(args.trace, args.chromeTrace, args.tracePackets));
  printEvaluation(args, ev, { strategy: schedule.strategy, trace: args.trace, chromeTrace: args.chromeTrace });
}

function cmdSchedule(args: Common & SchedArgs & { scenario: string; package: string; out: string }) {
  const inputs = loadInputs(args.scenario, args.package);
  progress(args, `scheduling ${inputs.scenario.name} on ${inputs.pkg.name} (${args.strategy})...`);
  const schedule = makeSchedule(inputs, scheduleOptions(args));
  writeFileAtomic(args.out, scheduleToJson(schedule, args.scenario, args.package, args.out));
  if (args.json) out(JSON.stringify({ schedule: args.out, strategy: args.strategy, jobs: schedule.jobs.length }));
  else out(`wrote ${args.out}: ${schedule.jobs.length} jobs (${args.strategy})`);
}

async function cmdValidate(args: Common & SchedArgs & { schedule?: string; scenario: string; package: string; format: string }) {
  let ev: Evaluation;
  if (args.schedule) {
    const { schedule, ...inputs } = loadScheduleWithInputs(args.schedule);
    ev = await evaluate(schedule, inputs);
  } else {
    const inputs = loadInputs(args.scenario, args.package);
    ev = await evaluate(makeSchedule(inputs, scheduleOptions(args)), inputs);
  }
  const c = ev.comparison;
  const format = args.json ? 'json' : args.format;
  if (format === 'json') out(JSON.stringify(c, null, 2));
  else if (format === 'csv') process.stdout.write(jobsCsv(c));
  else {
    out(jobsText(c));
    out('');
    out(summaryText(c));
    out('');
    out(`per-job latency error: mean ${pct(c.jobErrorMean)}, max ${pct(c.jobErrorMax)}`);
  }
}

const PACKAGES_3X3 = ['het_sides_3x3', 'het_cross_3x3', 'ws_3x3', 'os_3x3'].map((n) => path.join(ROOT, 'models/packages', `${n}.json`));

async function cmdCompare(args: Common & SchedArgs & { scenarios?: string[]; packages?: string[]; gap: boolean; format: string }) {
  const scenarios = args.scenarios?.length ? args.scenarios : shippedScenarios(ROOT);
  const packages = args.packages?.length ? args.packages : PACKAGES_3X3;
  const r = await comparePackages(scenarios, packages, { ...scheduleOptions(args), gap: args.gap }, (m) => progress(args, m));
  out(args.json ? JSON.stringify(r, null, 2) : comparisonText(r, args.format === 'md'));
}

function cmdCost(args: Common & CostArgs) {
  const r = costOfLayer(args);
  out(args.json ? JSON.stringify(r, null, 2) : costText(r, table));
}

export function buildCli(argv: string[]): Argv {
  const common = (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
      .option('seed', { type: 'string', default: '1', describe: 'seed for every random choice' });
  const sched = (y: Argv) =>
    y
      .option('strategy', { choices: STRATEGIES, default: 'scar' as Strategy, describe: 'scheduler: scar (heuristic), greedy (layer by layer), exhaustive (reference for small instances)' })
      .option('windows', { type: 'number', default: DEFAULT_SCAR.windows, describe: 'scar: time windows' })
      .option('top-k', { type: 'number', default: DEFAULT_SCAR.topK, describe: 'scar: segmentations kept per model' })
      .option('search', { choices: ['auto', 'exhaustive', 'evolutionary'], default: 'auto', describe: 'scar: placement search (auto: exhaustive up to 9 chiplets)' })
      .option('micro-batches', { type: 'number', default: DEFAULT_SCAR.maxMicroBatches, describe: 'scar: most micro-batches per model (pipelining)' })
      .option('population', { type: 'number', default: DEFAULT_SCAR.population, describe: 'scar: evolutionary population' })
      .option('generations', { type: 'number', default: DEFAULT_SCAR.generations, describe: 'scar: evolutionary generations' });
  const io = (y: Argv) =>
    sched(y)
      .option('scenario', { type: 'string', default: DEFAULT_SCENARIO, describe: 'scenario JSON' })
      .option('package', { type: 'string', default: DEFAULT_PACKAGE, describe: 'package JSON' });
  const traces = (y: Argv) =>
    y
      .option('trace', { type: 'string', describe: 'write a Perfetto trace (.pftrace)' })
      .option('chrome-trace', { type: 'string', describe: 'write a Chrome JSON trace' })
      .option('trace-packets', { type: 'boolean', default: false, describe: 'trace every NoP/DRAM packet (exact link utilisation; larger, slower)' })
      .option('jobs', { type: 'boolean', default: false, describe: 'also print every job' });
  return yargs(argv)
    .scriptName('mcmsim')
    .strict()
    .command('run', 'schedule and simulate a scenario (default: the built-in one), print the summary, write a trace', (y) =>
      traces(io(common(y))).option('schedule-out', { type: 'string', describe: 'also write the schedule' }).option('trace', { default: path.join('traces', 'out', 'run.pftrace') }).option('no-trace', { type: 'boolean', describe: 'write no trace' }),
    )
    .command('schedule', 'schedule a scenario on a package and write the schedule file', (y) => io(common(y)).option('out', { type: 'string', demandOption: true, describe: 'schedule file to write' }))
    .command('simulate', 'replay a schedule file in the discrete-event simulator', (y) => traces(common(y)).option('schedule', { type: 'string', demandOption: true }))
    .command('validate', 'analytical vs simulated, per job and for the scenario', (y) =>
      io(common(y)).option('schedule', { type: 'string', describe: 'schedule file (else schedule --scenario on --package)' }).option('format', { choices: ['text', 'csv', 'json'], default: 'text' }),
    )
    .command('compare', 'every scenario on every package: EDP, latency, energy (analytical and simulated), heterogeneous vs homogeneous', (y) =>
      sched(common(y))
        .option('scenarios', { type: 'array', string: true, describe: 'scenario files (default: the ten in models/scenarios)' })
        .option('packages', { type: 'array', string: true, describe: 'package files (default: the 3x3 heterogeneous and homogeneous packages)' })
        .option('gap', { type: 'boolean', default: false, describe: 'also run the exhaustive reference and report SCAR\'s optimality gap' })
        .option('format', { choices: ['text', 'md'], default: 'text' }),
    )
    .command('cost', 'analytical cost of one layer on one chiplet', (y) =>
      common(y)
        .option('layer', { type: 'string', demandOption: true, describe: 'layer as JSON (workload layer syntax) or file.json#layerName' })
        .option('dataflow', { choices: ['ws', 'os', 'rs'], demandOption: true })
        .option('pes', { type: 'number', describe: 'PE count (a square array)' })
        .option('array', { type: 'string', describe: 'PE array as ROWSxCOLS' })
        .option('buffer', { type: 'number', describe: 'buffer bytes' })
        .option('samples', { type: 'number', default: 1 })
        .option('objective', { choices: ['latency', 'energy', 'edp'], default: 'latency', describe: 'what the mapper minimises (latency: ties by energy)' })
        .option('top', { type: 'number', default: 1, describe: 'also show the next best N - 1 mappings' })
        .option('package', { type: 'string', default: DEFAULT_PACKAGE, describe: 'package whose chiplet kind and DRAM supply the other constants' }),
    )
    .demandCommand(1, 'name a command')
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
}

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const args = (await buildCli(argv).parseAsync()) as any;
    const cmd = String(args._[0]);
    if (cmd === 'run') {
      const a = args as never as Parameters<typeof cmdRun>[0] & { noTrace?: boolean };
      if (a.noTrace) a.trace = undefined;
      await cmdRun(a);
    } else if (cmd === 'simulate') await cmdSimulate(args);
    else if (cmd === 'schedule') cmdSchedule(args);
    else if (cmd === 'validate') await cmdValidate(args);
    else if (cmd === 'cost') cmdCost(args);
    else if (cmd === 'compare') await cmdCompare(args);
    else throw new UsageError(`unknown command "${cmd}"`);
    return 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError || e instanceof SearchLimitError) {
      process.stderr.write(`mcmsim: error: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && err.code && err.syscall) {
      // Output files we cannot write: a user error, not a bug.
      process.stderr.write(`mcmsim: error: ${err.path ?? ''}: ${err.code} (${err.syscall})\n`);
      return 2;
    }
    process.stderr.write(`mcmsim: internal error: ${(e as Error).message}\n${process.env.MCMSIM_DEBUG ? (e as Error).stack + '\n' : ''}`);
    return 1;
  }
}

if (require.main === module) {
  // A closed pipe (e.g. `| head`) ends the output, not the program with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
