#!/usr/bin/env node
/**
 * mcmsim command line. The only place that reads argv, prints or exits. Input errors become
 * one line on stderr and exit code 2; library code only throws.
 */
import * as fs from 'fs';
import * as path from 'path';
import yargs, { Argv } from 'yargs';
import { InputError } from '../input/errors';
import { rangeViolation } from '../input/ranges';
import { evaluate, Evaluation, loadInputs, loadScheduleWithInputs, makeSchedule, ScheduleOptions, STRATEGIES, Strategy } from '../pipeline';
import { DEFAULT_SCAR, SearchLimitError } from '../sched/scar/scar';
import { comparePackages, shippedScenarios } from '../report/packages';
import { loadPackage } from '../input/package';
import { comparisonText } from '../report/format';
import { scheduleToJson } from '../input/schedule';
import { decompositionText, explanationText, jobErrorText, jobsCsv, jobsText, RELATIVE_ERROR_NOTE, resourcesText, summaryText, table, timingText, wrappedTable } from '../report/format';
import { jsonOut } from '../report/json-names';
import { OutputError, describeCode, processTemps, writeFileAtomic } from '../output/atomic';
import { CostArgs, costCommand, MAPPING_CHOICES } from '../report/layer';
import { openSinks } from './sinks';
import { OBJECTIVES, ObjectiveName } from '../sched/objective';
import { completionsText, modelCompletions } from '../report/slo';
import { runReproduce } from './reproduce';
import { ROOT } from '../root';
import { defaultJobs, runUnits } from './pool';
import { Progress } from './progress';

/** Where `run` writes its trace unless told otherwise (relative to the current folder). */
const DEFAULT_TRACE = path.join('traces', 'out', 'run.pftrace');
import { mergeSweep, resolveShard, runSweep, SweepUsageError, unitLabel } from './sweep';
import { reportMeta, writeHtmlReport, writeSweepHtml } from './html';
import { compareReport } from '../report/html/compare';
import { validateReport } from '../report/html/validate';
import { cmdImport, importOptions } from './import';
import { checkEmptyPaths, checkOutputPath, checkRepeatedFlags, OUTPUT_FLAGS, resolveInput, Shipped, unknownArgumentMessage } from './flags';
import { StopNotice, startStopNotice } from './interrupt';
import { loadRequests } from '../input/requests';
import { runTraffic, TrafficResult } from '../hw/traffic';
import { trafficJson, trafficText } from '../report/traffic';
import { cmdExplore, exploreCommand } from './explore';
import { MAPPING_PROFILES, MappingProfile } from '../input/overrides';

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

function progress(args: Pick<Common, 'quiet'>, text: string): void {
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
  objective: ObjectiveName;
}

/** Scheduler warnings go to stderr even with --quiet: they say the result is not what was asked. */
function warn(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`mcmsim: ${w}\n`);
}

/** Workload warnings ("checkInputSizes": "warn" findings) to stderr, once per workload file. */
function warnInputs(inputs: { scenario: { models: readonly { workload: { file: string; warnings?: readonly string[] } }[] } }): void {
  const seen = new Map(inputs.scenario.models.map((m) => [m.workload.file, m.workload.warnings ?? []]));
  warn([...seen.values()].flat());
}

/** --jobs: worker threads for independent units (default: the cores this process may use). */
function jobsOption(jobs: number | undefined): number {
  if (jobs === undefined) return defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, got ${jobs}`);
  // Each worker thread holds its own copy of the simulator (about 100 MB): bounded.
  const why = rangeViolation('cli.jobs', jobs);
  if (why) throw new UsageError(`--jobs ${why}`);
  return jobs;
}

function scheduleOptions(args: Common & SchedArgs): ScheduleOptions {
  const positive = (name: 'windows' | 'top-k' | 'micro-batches' | 'population' | 'generations', v: number) => {
    const why = rangeViolation(`cli.${name}`, v);
    if (why) throw new UsageError(`--${name} ${why}`);
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
    objective: args.objective,
  };
}

function printEvaluation(args: Common & { jobTable?: boolean; wide?: boolean }, ev: Evaluation, extra: Record<string, unknown>): void {
  const c = ev.comparison;
  const simMs = Math.max(ev.wallMs - ev.traceMs, 0);
  const eventsPerSec = ev.sim.events / Math.max(simMs / 1000, 1e-9);
  const done = modelCompletions(ev.program, ev.estimate.jobs, ev.sim.jobs);
  if (args.json) {
    const { rows, ...totals } = c;
    // simWallMs: simulation and trace writing together (its meaning before simulationMs and traceWriteMs).
    out(jsonOut({ ...extra, ...totals, models: done, simulationMs: simMs, traceWriteMs: ev.traceMs, simWallMs: ev.wallMs, eventsPerSecond: Math.round(eventsPerSec), ...(args.jobTable ? { rows } : {}) }));
    return;
  }
  const p = ev.program.pkg;
  const mix = [...new Set(p.chiplets.map((x) => x.kind.dataflow))].map((d) => `${p.chiplets.filter((x) => x.kind.dataflow === d).length} ${d}`).join(', ');
  out(`scenario ${c.scenario} (${ev.program.scenario.models.map((m) => `${m.name} x${m.batch}`).join(', ')}; ${c.jobs} jobs)`);
  out(`package  ${c.package} (${p.rows}x${p.cols}: ${mix}), schedule ${extra.strategy ?? ''}`.trimEnd());
  out('');
  out(summaryText(c));
  out(`(${RELATIVE_ERROR_NOTE}; see README, "Reading the output")`);
  out('');
  out(decompositionText(c));
  out('');
  out(resourcesText(c, 3));
  out('');
  out(jobErrorText(c));
  out(timingText(c, ev.wallMs, ev.traceMs));
  if (done.some((d) => d.latencySloMs)) {
    out('');
    out(completionsText(done));
  }
  if (args.jobTable) {
    out('');
    out(jobsText(c, Infinity, args.wide, '`mcmsim validate --format csv` writes them for a file'));
  }
  for (const [k, v] of Object.entries(extra)) if (k !== 'strategy' && v) out(`${k}: ${v}`);
}

/** --check: the simulator's run-time invariants (sim/engine/check.ts); absent: MCMSIM_CHECK decides. */
interface CheckArg {
  check?: boolean;
}

async function cmdRun(args: Common & SchedArgs & CheckArg & { scenario: string; package: string; trace?: string; chromeTrace?: string; tracePackets: boolean; scheduleOut?: string; jobTable: boolean; fingerprint: boolean; notice?: StopNotice }) {
  const inputs = loadInputs(args.scenario, args.package);
  warnInputs(inputs);
  progress(args, `scheduling ${inputs.scenario.name} on ${inputs.pkg.name} (${args.strategy})...`);
  args.notice?.status(`run while scheduling ${inputs.scenario.name} on ${inputs.pkg.name} (${args.strategy})`);
  const schedule = makeSchedule(inputs, scheduleOptions(args));
  warn(schedule.warnings);
  if (args.scheduleOut) {
    writeFileAtomic(args.scheduleOut, scheduleToJson(schedule, args.scenario, args.package, args.scheduleOut));
    args.notice?.wrote(args.scheduleOut);
  }
  progress(args, `simulating ${schedule.jobs.length} jobs...`);
  args.notice?.status(`run while simulating ${schedule.jobs.length} jobs of ${inputs.scenario.name} on ${inputs.pkg.name}${args.trace || args.chromeTrace ? ' (the trace is not kept)' : ''}`);
  const ev = await evaluate(schedule, inputs, (ctx) => openSinks(args.trace, args.chromeTrace, args.tracePackets, { ...ctx, seed: args.seed }), { fingerprint: args.fingerprint, check: args.check });
  printEvaluation(args, ev, { strategy: args.strategy, schedule: args.scheduleOut, trace: args.trace, chromeTrace: args.chromeTrace });
}

async function cmdSimulate(args: Common & CheckArg & { schedule: string; trace?: string; chromeTrace?: string; tracePackets: boolean; jobTable: boolean; fingerprint: boolean }) {
  const { schedule, ...inputs } = loadScheduleWithInputs(args.schedule);
  warnInputs(inputs);
  const ev = await evaluate(schedule, inputs, (ctx) => openSinks(args.trace, args.chromeTrace, args.tracePackets, ctx), { fingerprint: args.fingerprint, check: args.check });
  printEvaluation(args, ev, { strategy: schedule.strategy, trace: args.trace, chromeTrace: args.chromeTrace });
}

function cmdSchedule(args: Common & SchedArgs & { scenario: string; package: string; out: string }) {
  const inputs = loadInputs(args.scenario, args.package);
  warnInputs(inputs);
  progress(args, `scheduling ${inputs.scenario.name} on ${inputs.pkg.name} (${args.strategy})...`);
  const schedule = makeSchedule(inputs, scheduleOptions(args));
  warn(schedule.warnings);
  writeFileAtomic(args.out, scheduleToJson(schedule, args.scenario, args.package, args.out));
  if (args.json) out(JSON.stringify({ schedule: args.out, strategy: args.strategy, jobs: schedule.jobs.length }));
  else out(`wrote ${args.out}: ${schedule.jobs.length} jobs (${args.strategy})`);
}

async function cmdValidate(args: Common & SchedArgs & CheckArg & { schedule?: string; scenario: string; package: string; format: string; wide: boolean; html?: string; argv?: string[] }) {
  let ev: Evaluation;
  if (args.schedule) {
    const { schedule, ...inputs } = loadScheduleWithInputs(args.schedule);
    warnInputs(inputs);
    ev = await evaluate(schedule, inputs, undefined, { check: args.check });
  } else {
    const inputs = loadInputs(args.scenario, args.package);
    warnInputs(inputs);
    const schedule = makeSchedule(inputs, scheduleOptions(args));
    warn(schedule.warnings);
    ev = await evaluate(schedule, inputs, undefined, { check: args.check });
  }
  const c = ev.comparison;
  if (args.html) writeHtmlReport(args.html, validateReport(c, reportMeta(args.schedule ? [args.schedule] : [args.scenario, args.package], args.seed, args.argv)), args.quiet);
  const format = args.json ? 'json' : args.format;
  if (format === 'json') out(jsonOut(c));
  else if (format === 'csv') process.stdout.write(jobsCsv(c));
  else {
    out(jobsText(c, Infinity, args.wide));
    out('');
    out(summaryText(c));
    out(`(${RELATIVE_ERROR_NOTE})`);
    out('');
    out(jobErrorText(c));
    out('');
    out(explanationText(c));
  }
}

const PACKAGES_3X3 = ['het_sides_3x3', 'het_cross_3x3', 'ws_3x3', 'os_3x3'].map((n) => path.join(ROOT, 'models/packages', `${n}.json`));

async function cmdCompare(args: Common & SchedArgs & { scenarios?: string[]; packages?: string[]; gap: boolean; mapping?: MappingProfile; format: string; wide: boolean; jobs?: number; html?: string; baseline?: string; argv?: string[]; notice?: StopNotice }) {
  const scenarios = args.scenarios?.length ? args.scenarios : shippedScenarios(ROOT);
  const packages = args.packages?.length ? args.packages : PACKAGES_3X3;
  const jobs = jobsOption(args.jobs);
  const names = packages.map((f) => loadPackage(f).name);
  if (args.baseline !== undefined && !args.html) throw new UsageError('--baseline chooses the HTML report\'s reference package: give --html FILE too');
  if (args.baseline !== undefined && !names.includes(args.baseline)) throw new UsageError(`--baseline must name a compared package (${names.join(', ')}), got "${args.baseline}"`);
  const r = await comparePackages(scenarios, packages, { ...scheduleOptions(args), gap: args.gap, ...(args.mapping ? { overrides: { mapping: args.mapping } } : {}) }, (units) => {
    const p = new Progress(units.length, args.quiet);
    let finished = 0;
    args.notice?.status(`compare after 0 of ${units.length} units (scenario x package), whose results are not kept`);
    return runUnits('package', units, {
      jobs,
      onResult: (i) => {
        p.unit(unitLabel(units[i]));
        args.notice?.status(`compare after ${++finished} of ${units.length} units (scenario x package), whose results are not kept`);
      },
    });
  });
  if (args.html) writeHtmlReport(args.html, compareReport(r, reportMeta([...scenarios, ...packages], args.seed, args.argv), args.baseline), args.quiet);
  out(args.json ? jsonOut(r) : comparisonText(r, args.format as 'text' | 'md' | 'csv', args.wide));
}

async function cmdSweep(args: Omit<Common, 'seed'> & { seed?: string; spec: string; files?: string[]; out?: string; shard?: string; jobs?: number; format: 'text' | 'md' | 'csv' | 'json'; html?: string; argv?: string[] }): Promise<number> {
  if (args.seed !== undefined) throw new UsageError('sweep takes no --seed: its seeds are the spec\'s "seeds" list (each unit is run once per seed)');
  if (args.spec === 'merge') {
    if (!args.files?.length) throw new UsageError('sweep merge: name the results files to merge');
    const r = mergeSweep(args.files, args.json ? 'json' : args.format);
    if (!args.quiet) for (const f of r.unfinished) process.stderr.write(`${f}: ignored an unfinished last line (a shard still running, or killed)\n`);
    if (!args.quiet) for (const c of r.coverage) process.stderr.write(`${c.sweep}: ${c.present} of ${c.units} units${c.missing.length ? `; missing ${c.missing.slice(0, 20).join(', ')}${c.missing.length > 20 ? ', ...' : ''}` : ''}\n`);
    if (args.html) writeSweepHtml(args.html, r.lines, args.files, args.quiet, args.argv);
    if (args.out) writeFileAtomic(args.out, r.text);
    else process.stdout.write(r.text);
    return 0;
  }
  if (args.files?.length) throw new UsageError(`sweep takes one spec file, got also ${args.files.join(' ')} (did you mean "sweep merge"?)`);
  if (!args.out) throw new UsageError('sweep: --out results.jsonl is required');
  // SIGINT (Ctrl-C), SIGTERM (Slurm's scancel or time limit): stop the workers, keep finished units.
  const abort = new AbortController();
  let signal = '';
  const stop = (s: NodeJS.Signals) => {
    signal = s;
    abort.abort();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    const shard = resolveShard(args.shard, process.env);
    const r = await runSweep(args.spec, { out: args.out, shard, jobs: jobsOption(args.jobs), quiet: args.quiet, signal: abort.signal, isolate: true });
    if (args.json) out(JSON.stringify(r));
    else out(`wrote ${r.out}: shard ${shard.index}/${shard.count}, ${r.units} units (${r.skipped} already there, ${r.ran} run, ${r.errors} with an error line)`);
    return 0;
  } catch (e) {
    if (e instanceof SweepUsageError) throw new UsageError(e.message);
    if ((e as Error).name === 'AbortError') {
      process.stderr.write(`mcmsim: ${signal || 'interrupted'}: finished units are in ${args.out}; run the same command again to resume\n`);
      return signal === 'SIGTERM' ? 143 : 130;
    }
    throw e;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

async function cmdTraffic(args: Omit<Common, 'seed'> & CheckArg & { package: string; requests: string; trace?: string }) {
  const pkg = loadPackage(args.package);
  const requests = loadRequests(args.requests, pkg);
  progress(args, `replaying ${requests.length} requests on ${pkg.name}...`);
  // Counters per resource (bytes, busy and queued time per window); no jobs, so no job slices.
  const sink = args.trace ? openSinks(args.trace) : null;
  let r: TrafficResult;
  try {
    r = runTraffic(pkg, requests, sink, args.check);
  } catch (e) {
    sink?.abort(e);
    throw e;
  }
  if (sink) await sink.end(r.endNs * 1000);
  out(args.json ? JSON.stringify(trafficJson(r), null, 2) : trafficText(r, args.requests));
}

function cmdCost(args: Common & CostArgs & { wide: boolean }) {
  // Values too long for 100 columns wrap at their commas unless --wide.
  out(costCommand(args, args.wide ? table : wrappedTable));
}

/** What --seed does, per command (README, "Set-up and use", says the same). */
const SEED_SCHEDULER = 'seed of the scheduler\'s random choices (scar\'s evolutionary placement search: above 9 chiplets, or --search evolutionary); the same seed gives the same output';
const SEED_NONE = 'accepted for uniformity, no effect: this command makes no random choice';

export function buildCli(argv: string[]): Argv {
  const common = (y: Argv, seed = SEED_SCHEDULER) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
      .option('seed', { type: 'string', default: '1', describe: seed });
  const sched = (y: Argv) =>
    y
      .option('strategy', { choices: STRATEGIES, default: 'scar' as Strategy, describe: 'scheduler: scar (heuristic), greedy (layer by layer), exhaustive (reference for small instances), standalone (one chiplet per model, no pipelining)' })
      .option('objective', { choices: OBJECTIVES, default: 'edp' as ObjectiveName, describe: 'what the scheduler minimises' })
      .option('windows', { type: 'number', default: DEFAULT_SCAR.windows, describe: 'scar: time windows' })
      .option('top-k', { type: 'number', default: DEFAULT_SCAR.topK, describe: 'scar: segmentations kept per model' })
      .option('search', { choices: ['auto', 'exhaustive', 'evolutionary'], default: 'auto', describe: 'scar: placement search (auto: exhaustive up to 9 chiplets)' })
      .option('micro-batches', { type: 'number', default: DEFAULT_SCAR.maxMicroBatches, describe: 'scar: most micro-batches per model (pipelining)' })
      .option('population', { type: 'number', default: DEFAULT_SCAR.population, describe: 'scar: evolutionary population' })
      .option('generations', { type: 'number', default: DEFAULT_SCAR.generations, describe: 'scar: evolutionary generations' });
  const check = (y: Argv) => y.option('check', { type: 'boolean', describe: 'check the simulator\'s invariants while it runs (time order, queues, buffer occupancy, transfers, busy time); a violation is an internal error naming it (default: on when MCMSIM_CHECK=1)' });
  const html = (y: Argv) => y.option('html', { type: 'string', describe: 'also write an HTML report with plots (one self-contained file)' });
  const io = (y: Argv) =>
    sched(y)
      .option('scenario', { type: 'string', default: DEFAULT_SCENARIO, describe: 'scenario JSON' })
      .option('package', { type: 'string', default: DEFAULT_PACKAGE, describe: 'package JSON' });
  const traces = (y: Argv) =>
    check(y)
      .option('trace', { type: 'string', describe: 'write a Perfetto trace (.pftrace)' })
      .option('chrome-trace', { type: 'string', describe: 'write a Chrome JSON trace' })
      .option('trace-packets', { type: 'boolean', default: false, describe: 'also a slice per run of back-to-back packets on every NoP link and DRAM channel (larger, slower)' })
      .option('job-table', { type: 'boolean', default: false, describe: 'also print every job (closed form, list schedule and simulation per job)' })
      .option('wide', { type: 'boolean', default: false, describe: 'job table: every column, however wide (by default it fits 100 columns)' })
      .option('fingerprint', { type: 'boolean', default: false, describe: 'also hash the simulator\'s event sequence (catches any change of behaviour; slower)' });
  return yargs(argv)
    .scriptName('mcmsim')
    .strict()
    .command('run', 'schedule and simulate a scenario (default: the built-in one), print the summary, write a trace', (y) =>
      traces(io(common(y))).option('schedule-out', { type: 'string', describe: 'also write the schedule' }).option('trace', { default: DEFAULT_TRACE }).option('no-trace', { type: 'boolean', describe: 'write no trace' }),
    )
    .command('schedule', 'schedule a scenario on a package and write the schedule file', (y) => io(common(y)).option('out', { type: 'string', demandOption: true, describe: 'schedule file to write' }))
    .command('simulate', 'replay a schedule file in the discrete-event simulator', (y) => traces(common(y, SEED_NONE)).option('schedule', { type: 'string', demandOption: true, describe: 'schedule file to replay (from `mcmsim schedule` or `run --schedule-out`, or written by hand)' }))
    .command('validate', 'the three estimates of one schedule (closed form, list schedule, simulation), per job and for the scenario, and why they differ', (y) =>
      check(html(io(common(y)))).option('schedule', { type: 'string', describe: 'schedule file (else schedule --scenario on --package)' }).option('format', { choices: ['text', 'csv', 'json'], default: 'text', describe: 'text: tables for a terminal; csv: one line per job, every column; json: everything, machine-readable (as --json)' })
        .option('wide', { type: 'boolean', default: false, describe: 'text: the job table with every column, however wide (by default it fits 100 columns)' }),
    )
    .command('compare', 'every scenario on every package: EDP, latency, energy (simulation; list schedule and closed form beside), heterogeneous vs homogeneous', (y) =>
      html(sched(common(y)))
        .option('baseline', { type: 'string', describe: 'package name the HTML report normalises EDP to (default: the first homogeneous package)' })
        .option('scenarios', { type: 'array', string: true, describe: 'scenario files (default: the ten in models/scenarios)' })
        .option('packages', { type: 'array', string: true, describe: 'package files (default: the 3x3 heterogeneous and homogeneous packages)' })
        .option('gap', { type: 'boolean', default: false, describe: 'also run the exhaustive reference and report SCAR\'s optimality gap' })
        .option('mapping', { choices: MAPPING_PROFILES, describe: 'set every chiplet kind\'s mapping: search, templates (each kind its dataflow\'s MAESTRO template) or one template (default: as the package files say)' })
        .option('format', { choices: ['text', 'md', 'csv'], default: 'text', describe: 'text: a table fitting 100 columns (see --wide); md: a Markdown table, csv: comma-separated, both with every column' })
        .option('wide', { type: 'boolean', default: false, describe: 'text: every column, however wide (by default the least needed ones are left out to fit 100 columns)' })
        .option('jobs', { type: 'number', describe: 'worker threads, one unit (scenario x package) each (default: the cores); output is the same for any number' }),
    )
    .command('sweep <spec> [files..]', 'run a sweep spec\'s grid (scenarios x packages x strategies x objectives x seeds x overrides), one JSON line per unit; "sweep merge FILES..." joins results into a table', (y) =>
      y
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
        // Declared so that it gets a clear answer rather than "unknown option".
        .option('seed', { type: 'string', describe: 'not taken: a sweep\'s seeds are its spec\'s "seeds" list' })
        .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
        .positional('spec', { type: 'string', describe: 'sweep spec JSON (mcmsim/sweep@1), or "merge"' })
        .positional('files', { type: 'string', array: true, describe: 'merge: results files (shards) to join' })
        .option('out', { type: 'string', describe: 'results file (JSON lines; units already in it are skipped); merge: table file (default stdout)' })
        .option('shard', { type: 'string', describe: 'run shard I of N (I/N, from 0; default: from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, else all)' })
        .option('jobs', { type: 'number', describe: 'worker threads (default: the cores); results are the same for any number' })
        .option('format', { choices: ['text', 'md', 'csv', 'json'], default: 'text', describe: 'merge: table format' })
        .option('html', { type: 'string', describe: 'merge: also write an HTML report with plots (EDP against each swept parameter)' }),
    )
    .command('reproduce <paper>', 'reproduce a paper\'s evaluation (scar: Odema et al., MICRO 2024, Tables IV-VI)', (y) =>
      html(common(y))
        .positional('paper', { choices: ['scar'], describe: 'which paper' })
        .option('mapping', { choices: ['templates', 'search', 'both'], default: 'templates', describe: 'per-layer cost: templates (the paper\'s MAESTRO kcp_ws on NVD, yxp_os on Shi), search (the mapper), both (side by side)' })
        .option('grid', { choices: ['3x3', '6x6'], default: '3x3', describe: '3x3: the ten scenarios, six strategies; 6x6: scenario 4 on Het-Cross and both Simba' })
        .option('objective', { choices: OBJECTIVES, default: 'edp' as ObjectiveName, describe: 'what the schedulers minimise' })
        .option('sides', { choices: ['nvd', 'shi'], default: 'nvd', describe: 'Het-Sides: the dataflow on the side columns' })
        .option('slo', { type: 'boolean', default: false, describe: 'enforce the scenarios\' latency SLOs (the paper has none)' })
        .option('jobs', { type: 'number', describe: 'worker threads, one run (scenario x strategy) each (default: the cores); output is the same for any number' })
        .option('format', { choices: ['text', 'md'], default: 'text', describe: 'text: tables for a terminal; md: Markdown tables (as in README)' }),
    )
    .command('explore <spec>', 'search package designs (kind per grid position, array and buffer sizes, DRAM positions) for a spec\'s weighted scenarios: Pareto front, top K confirmed by simulation', (y) =>
      exploreCommand(common(y))
        .option('strategy', { choices: STRATEGIES, default: 'scar' as Strategy, describe: 'scheduler that scores each design (SCAR options come from the spec)' })
        .option('objective', { choices: OBJECTIVES, default: 'edp' as ObjectiveName, describe: 'what the scheduler and the search minimise' })
        .option('mapping', { choices: MAPPING_PROFILES, describe: 'set every chiplet kind\'s mapping (search, templates, or one template; default: as the package files say)' })
        .option('jobs', { type: 'number', describe: 'worker threads, one design each (default: the cores); output is the same for any number' }),
    )
    .command('cost', 'analytical cost of one layer on one chiplet', (y) =>
      common(y, SEED_NONE)
        .option('layer', { type: 'string', demandOption: true, describe: 'layer as JSON (workload layer syntax) or file.json#layerName' })
        .option('mapping', { choices: MAPPING_CHOICES, default: 'search', describe: 'search: the mapper; maestro:TEMPLATE: MAESTRO\'s fixed template (nvdla = kcp_ws, shidiannao = yxp_os, eyeriss = row stationary)' })
        .option('dataflow', { choices: ['ws', 'os', 'rs'], describe: 'the chiplet\'s dataflow: ws weight-, os output-, rs row-stationary (required with --mapping search; a template implies it)' })
        .option('pes', { type: 'number', describe: 'PE count (search: a square array; template: any count)' })
        .option('noc-bw', { type: 'number', describe: 'template: NoC bandwidth, elements/cycle (default: one per PE)' })
        .option('offchip-bw', { type: 'number', describe: 'template: off-chip bandwidth, elements/cycle (default: one DRAM channel)' })
        .option('noc-hop-latency', { type: 'number', describe: 'template: NoC latency per transfer, cycles (default 1, MAESTRO\'s)' })
        .option('array', { type: 'string', describe: 'PE array as ROWSxCOLS' })
        .option('buffer', { type: 'number', describe: 'buffer bytes' })
        .option('samples', { type: 'number', default: 1, describe: 'batch samples the layer runs at once' })
        .option('objective', { choices: ['latency', 'energy', 'edp'], default: 'latency', describe: 'what the mapper minimises (latency: ties by energy)' })
        .option('top', { type: 'number', default: 1, describe: 'also show the next best N - 1 mappings' })
        .option('wide', { type: 'boolean', default: false, describe: 'do not wrap long values to fit 100 columns' })
        .option('package', { type: 'string', default: DEFAULT_PACKAGE, describe: 'package whose chiplet kind and DRAM supply the other constants' }),
    )
    .command('traffic', 'replay raw NoP and DRAM requests (JSON lines) open loop, without a schedule, as BookSim2\'s and DRAMsim3\'s trace modes do', (y) =>
      check(common(y, SEED_NONE))
        .option('package', { type: 'string', demandOption: true, describe: 'package JSON (grid, NoP and DRAM models), or a shipped package\'s name' })
        .option('requests', { type: 'string', demandOption: true, describe: 'requests, one JSON object per line: {"t_ns": 0, "src": "c0_0", "dst": "dram0", "bytes": 64, "addr": 0}' })
        .option('trace', { type: 'string', describe: 'write a Perfetto trace (.pftrace): bandwidth, busy and queued time of every NoP link and DRAM channel over time' }),
    )
    .command('import <format> <model>', 'convert a model (ONNX) into a workload file', (y) => importOptions(common(y, SEED_NONE)))
    .middleware(rejectRepeatedFlags as unknown as Parameters<Argv['middleware']>[0])
    .demandCommand(1, 'name a command')
    .help()
    .fail((msg, err, usage) => {
      if (err) throw err;
      // The options the command knows (every one has a description) and the commands, for "did you mean".
      const u = usage as unknown as { getDescriptions?: () => Record<string, unknown> };
      const options = Object.keys(u.getDescriptions?.() ?? {});
      // yargs spreads some messages ("Invalid values:") over several lines.
      throw new UsageError(unknownArgumentMessage(String(msg).replace(/\s*\n\s*/g, ' '), argv, COMMANDS, options));
    });
}

class UsageError extends Error {}

/** The command names, for suggestions (the same list buildCli declares). */
const COMMANDS = ['run', 'schedule', 'simulate', 'validate', 'compare', 'sweep', 'reproduce', 'explore', 'cost', 'traffic', 'import'];

/**
 * Checks made before any work: shipped input names (`--package het_sides_3x3`) become their
 * files, missing inputs name the closest shipped ones, and every output path is writable.
 */
function preflight(args: Record<string, unknown>): void {
  const inputs: [string, Shipped][] = [['scenario', 'scenarios'], ['package', 'packages'], ['scenarios', 'scenarios'], ['packages', 'packages']];
  for (const [flag, folder] of inputs) {
    const v = args[flag];
    if (v === undefined) continue;
    const one = (x: string) => {
      const r = resolveInput(flag, x, folder, ROOT);
      if ('error' in r) throw new UsageError(r.error);
      return r.file;
    };
    args[flag] = Array.isArray(v) ? v.map((x) => one(String(x))) : one(String(v));
  }
  for (const flag of OUTPUT_FLAGS) {
    const v = args[flag];
    if (typeof v !== 'string') continue;
    const why = checkOutputPath(flag, v);
    if (why) throw new UsageError(why);
  }
}

/** yargs passes its instance too: flags the command declares as arrays may repeat, no other may; no file flag may be empty. */
function rejectRepeatedFlags(args: Record<string, unknown>, y: { getOptions(): { array: string[] } }): void {
  const wrong = checkRepeatedFlags(args, y.getOptions().array) ?? checkEmptyPaths(args);
  if (wrong) throw new UsageError(wrong);
}

/** `stopNotice`: the CLI's entry point, where Ctrl-C in a long command gets its one line (interrupt.ts). */
export async function main(argv: string[], opts: { stopNotice?: boolean } = {}): Promise<number> {
  try {
    // Bare `mcmsim`: the commands, on stdout.
    if (argv.length === 0) {
      out(await buildCli(['--help']).getHelp());
      return 0;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const args = (await buildCli(argv).parseAsync()) as any;
    const cmd = String(args._[0]);
    args.argv = argv; // the command line as typed, for reports
    if (opts.stopNotice && (cmd === 'run' || cmd === 'compare' || cmd === 'reproduce')) args.notice = startStopNotice(cmd === 'reproduce' ? `reproduce ${args.paper} (${args.grid} grid), whose runs are not kept` : cmd);
    if (cmd === 'run') {
      const a = args as never as Parameters<typeof cmdRun>[0] & { noTrace?: boolean };
      if (a.noTrace) a.trace = args.trace = undefined;
      // The default trace goes to traces/out under the current folder: outside a checkout,
      // make its "traces" level too (output code only ever makes a missing last level).
      else if (a.trace === DEFAULT_TRACE && !argv.some((x) => x === '--trace' || x.startsWith('--trace=')) && !fs.existsSync('traces')) fs.mkdirSync('traces');
    }
    preflight(args);
    if (cmd === 'run') {
      await cmdRun(args);
    } else if (cmd === 'simulate') await cmdSimulate(args);
    else if (cmd === 'schedule') cmdSchedule(args);
    else if (cmd === 'validate') await cmdValidate(args);
    else if (cmd === 'cost') cmdCost(args);
    else if (cmd === 'traffic') await cmdTraffic(args);
    else if (cmd === 'compare') await cmdCompare(args);
    else if (cmd === 'reproduce') out(await runReproduce(args, jobsOption(args.jobs)));
    else if (cmd === 'sweep') return await cmdSweep(args);
    else if (cmd === 'explore') await cmdExplore({ ...args, jobs: jobsOption(args.jobs) }, out);
    else if (cmd === 'import') cmdImport(args, out, (m) => process.stderr.write(m + '\n'));
    else throw new UsageError(`unknown command "${cmd}"`);
    return 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError || e instanceof SearchLimitError || e instanceof OutputError) {
      // One line: yargs spreads its messages over several.
      process.stderr.write(`mcmsim: error: ${e.message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && err.code && err.syscall) {
      // Output files we cannot write (sim/output/atomic.ts names them itself): a user error, not a bug.
      process.stderr.write(`mcmsim: error: ${err.path ?? ''}: cannot write (${describeCode(err.code)})\n`);
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
  processTemps.startReaper();
  main(process.argv.slice(2), { stopNotice: true }).then((code) => {
    process.exitCode = code;
  });
}
