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
import { decompositionText, explanationText, jobsCsv, jobsText, pct, resourcesText, summaryText, table } from '../report/format';
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
import { checkEmptyPaths, checkRepeatedFlags } from './flags';
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

function printEvaluation(args: Common & { jobTable?: boolean }, ev: Evaluation, extra: Record<string, unknown>): void {
  const c = ev.comparison;
  const eventsPerSec = ev.sim.events / Math.max(ev.wallMs / 1000, 1e-9);
  const done = modelCompletions(ev.program, ev.estimate.jobs, ev.sim.jobs);
  if (args.json) {
    const { rows, ...totals } = c;
    out(JSON.stringify({ ...extra, ...totals, models: done, simWallMs: ev.wallMs, eventsPerSecond: Math.round(eventsPerSec), ...(args.jobTable ? { rows } : {}) }, null, 2));
    return;
  }
  const p = ev.program.pkg;
  const mix = [...new Set(p.chiplets.map((x) => x.kind.dataflow))].map((d) => `${p.chiplets.filter((x) => x.kind.dataflow === d).length} ${d}`).join(', ');
  out(`scenario ${c.scenario} (${ev.program.scenario.models.map((m) => `${m.name} x${m.batch}`).join(', ')}; ${c.jobs} jobs)`);
  out(`package  ${c.package} (${p.rows}x${p.cols}: ${mix}), schedule ${extra.strategy ?? ''}`.trimEnd());
  out('');
  out(summaryText(c));
  out('');
  out(decompositionText(c));
  out('');
  out(resourcesText(c, 3));
  out('');
  out(`per-job latency error: mean ${pct(c.jobErrorMean)}, max ${pct(c.jobErrorMax)} (|sim - ana| / ana)`);
  out(`simulation: ${c.events} events in ${ev.wallMs.toFixed(1)} ms (${(eventsPerSec / 1e6).toFixed(2)} M events/s)${c.fingerprint ? `, fingerprint ${c.fingerprint}` : ''}`);
  if (done.some((d) => d.latencySloMs)) {
    out('');
    out(completionsText(done));
  }
  if (args.jobTable) {
    out('');
    out(jobsText(c));
  }
  for (const [k, v] of Object.entries(extra)) if (k !== 'strategy' && v) out(`${k}: ${v}`);
}

async function cmdRun(args: Common & SchedArgs & { scenario: string; package: string; trace?: string; chromeTrace?: string; tracePackets: boolean; scheduleOut?: string; jobTable: boolean; fingerprint: boolean }) {
  const inputs = loadInputs(args.scenario, args.package);
  progress(args, `scheduling ${inputs.scenario.name} on ${inputs.pkg.name} (${args.strategy})...`);
  const schedule = makeSchedule(inputs, scheduleOptions(args));
  warn(schedule.warnings);
  if (args.scheduleOut) writeFileAtomic(args.scheduleOut, scheduleToJson(schedule, args.scenario, args.package, args.scheduleOut));
  progress(args, `simulating ${schedule.jobs.length} jobs...`);
  const ev = await evaluate(schedule, inputs, (ctx) => openSinks(args.trace, args.chromeTrace, args.tracePackets, { ...ctx, seed: args.seed }), { fingerprint: args.fingerprint });
  printEvaluation(args, ev, { strategy: args.strategy, schedule: args.scheduleOut, trace: args.trace, chromeTrace: args.chromeTrace });
}

async function cmdSimulate(args: Common & { schedule: string; trace?: string; chromeTrace?: string; tracePackets: boolean; jobTable: boolean; fingerprint: boolean }) {
  const { schedule, ...inputs } = loadScheduleWithInputs(args.schedule);
  const ev = await evaluate(schedule, inputs, (ctx) => openSinks(args.trace, args.chromeTrace, args.tracePackets, ctx), { fingerprint: args.fingerprint });
  printEvaluation(args, ev, { strategy: schedule.strategy, trace: args.trace, chromeTrace: args.chromeTrace });
}

function cmdSchedule(args: Common & SchedArgs & { scenario: string; package: string; out: string }) {
  const inputs = loadInputs(args.scenario, args.package);
  progress(args, `scheduling ${inputs.scenario.name} on ${inputs.pkg.name} (${args.strategy})...`);
  const schedule = makeSchedule(inputs, scheduleOptions(args));
  warn(schedule.warnings);
  writeFileAtomic(args.out, scheduleToJson(schedule, args.scenario, args.package, args.out));
  if (args.json) out(JSON.stringify({ schedule: args.out, strategy: args.strategy, jobs: schedule.jobs.length }));
  else out(`wrote ${args.out}: ${schedule.jobs.length} jobs (${args.strategy})`);
}

async function cmdValidate(args: Common & SchedArgs & { schedule?: string; scenario: string; package: string; format: string; html?: string; argv?: string[] }) {
  let ev: Evaluation;
  if (args.schedule) {
    const { schedule, ...inputs } = loadScheduleWithInputs(args.schedule);
    ev = await evaluate(schedule, inputs);
  } else {
    const inputs = loadInputs(args.scenario, args.package);
    const schedule = makeSchedule(inputs, scheduleOptions(args));
    warn(schedule.warnings);
    ev = await evaluate(schedule, inputs);
  }
  const c = ev.comparison;
  if (args.html) writeHtmlReport(args.html, validateReport(c, reportMeta(args.schedule ? [args.schedule] : [args.scenario, args.package], args.seed, args.argv)), args.quiet);
  const format = args.json ? 'json' : args.format;
  if (format === 'json') out(JSON.stringify(c, null, 2));
  else if (format === 'csv') process.stdout.write(jobsCsv(c));
  else {
    out(jobsText(c));
    out('');
    out(summaryText(c));
    out('');
    out(`per-job latency error: mean ${pct(c.jobErrorMean)}, max ${pct(c.jobErrorMax)}`);
    out('');
    out(explanationText(c));
  }
}

const PACKAGES_3X3 = ['het_sides_3x3', 'het_cross_3x3', 'ws_3x3', 'os_3x3'].map((n) => path.join(ROOT, 'models/packages', `${n}.json`));

async function cmdCompare(args: Common & SchedArgs & { scenarios?: string[]; packages?: string[]; gap: boolean; mapping?: MappingProfile; format: string; jobs?: number; html?: string; baseline?: string; argv?: string[] }) {
  const scenarios = args.scenarios?.length ? args.scenarios : shippedScenarios(ROOT);
  const packages = args.packages?.length ? args.packages : PACKAGES_3X3;
  const jobs = jobsOption(args.jobs);
  const names = packages.map((f) => loadPackage(f).name);
  if (args.baseline !== undefined && !args.html) throw new UsageError('--baseline chooses the HTML report\'s reference package: give --html FILE too');
  if (args.baseline !== undefined && !names.includes(args.baseline)) throw new UsageError(`--baseline must name a compared package (${names.join(', ')}), got "${args.baseline}"`);
  const r = await comparePackages(scenarios, packages, { ...scheduleOptions(args), gap: args.gap, ...(args.mapping ? { overrides: { mapping: args.mapping } } : {}) }, (units) => {
    const p = new Progress(units.length, args.quiet);
    return runUnits('package', units, { jobs, onResult: (i) => p.unit(unitLabel(units[i])) });
  });
  if (args.html) writeHtmlReport(args.html, compareReport(r, reportMeta([...scenarios, ...packages], args.seed, args.argv), args.baseline), args.quiet);
  out(args.json ? JSON.stringify(r, null, 2) : comparisonText(r, args.format === 'md'));
}

async function cmdSweep(args: Omit<Common, 'seed'> & { spec: string; files?: string[]; out?: string; shard?: string; jobs?: number; format: 'text' | 'md' | 'csv' | 'json'; html?: string; argv?: string[] }): Promise<number> {
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

async function cmdTraffic(args: Omit<Common, 'seed'> & { package: string; requests: string; trace?: string }) {
  const pkg = loadPackage(args.package);
  const requests = loadRequests(args.requests, pkg);
  progress(args, `replaying ${requests.length} requests on ${pkg.name}...`);
  // Counters per resource (bytes, busy and queued time per window); no jobs, so no job slices.
  const sink = args.trace ? openSinks(args.trace) : null;
  let r: TrafficResult;
  try {
    r = runTraffic(pkg, requests, sink);
  } catch (e) {
    sink?.abort(e);
    throw e;
  }
  if (sink) await sink.end(r.endNs * 1000);
  out(args.json ? JSON.stringify(trafficJson(r), null, 2) : trafficText(r, args.requests));
}

function cmdCost(args: Common & CostArgs) {
  out(costCommand(args, table));
}

export function buildCli(argv: string[]): Argv {
  const common = (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
      .option('seed', { type: 'string', default: '1', describe: 'seed for every random choice' });
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
  const html = (y: Argv) => y.option('html', { type: 'string', describe: 'also write an HTML report with plots (one self-contained file)' });
  const io = (y: Argv) =>
    sched(y)
      .option('scenario', { type: 'string', default: DEFAULT_SCENARIO, describe: 'scenario JSON' })
      .option('package', { type: 'string', default: DEFAULT_PACKAGE, describe: 'package JSON' });
  const traces = (y: Argv) =>
    y
      .option('trace', { type: 'string', describe: 'write a Perfetto trace (.pftrace)' })
      .option('chrome-trace', { type: 'string', describe: 'write a Chrome JSON trace' })
      .option('trace-packets', { type: 'boolean', default: false, describe: 'also a slice per run of back-to-back packets on every NoP link and DRAM channel (larger, slower)' })
      .option('job-table', { type: 'boolean', default: false, describe: 'also print every job (per-job analytical vs simulated)' })
      .option('fingerprint', { type: 'boolean', default: false, describe: 'also hash the simulator\'s event sequence (catches any change of behaviour; slower)' });
  return yargs(argv)
    .scriptName('mcmsim')
    .strict()
    .command('run', 'schedule and simulate a scenario (default: the built-in one), print the summary, write a trace', (y) =>
      traces(io(common(y))).option('schedule-out', { type: 'string', describe: 'also write the schedule' }).option('trace', { default: DEFAULT_TRACE }).option('no-trace', { type: 'boolean', describe: 'write no trace' }),
    )
    .command('schedule', 'schedule a scenario on a package and write the schedule file', (y) => io(common(y)).option('out', { type: 'string', demandOption: true, describe: 'schedule file to write' }))
    .command('simulate', 'replay a schedule file in the discrete-event simulator', (y) => traces(common(y)).option('schedule', { type: 'string', demandOption: true }))
    .command('validate', 'analytical vs simulated, per job and for the scenario', (y) =>
      html(io(common(y))).option('schedule', { type: 'string', describe: 'schedule file (else schedule --scenario on --package)' }).option('format', { choices: ['text', 'csv', 'json'], default: 'text' }),
    )
    .command('compare', 'every scenario on every package: EDP, latency, energy (analytical and simulated), heterogeneous vs homogeneous', (y) =>
      html(sched(common(y)))
        .option('baseline', { type: 'string', describe: 'package name the HTML report normalises EDP to (default: the first homogeneous package)' })
        .option('scenarios', { type: 'array', string: true, describe: 'scenario files (default: the ten in models/scenarios)' })
        .option('packages', { type: 'array', string: true, describe: 'package files (default: the 3x3 heterogeneous and homogeneous packages)' })
        .option('gap', { type: 'boolean', default: false, describe: 'also run the exhaustive reference and report SCAR\'s optimality gap' })
        .option('mapping', { choices: MAPPING_PROFILES, describe: 'set every chiplet kind\'s mapping: search, templates (each kind its dataflow\'s MAESTRO template) or one template (default: as the package files say)' })
        .option('format', { choices: ['text', 'md'], default: 'text' })
        .option('jobs', { type: 'number', describe: 'worker threads, one unit (scenario x package) each (default: the cores); output is the same for any number' }),
    )
    .command('sweep <spec> [files..]', 'run a sweep spec\'s grid (scenarios x packages x strategies x objectives x seeds x overrides), one JSON line per unit; "sweep merge FILES..." joins results into a table', (y) =>
      y // seeds come from the spec: no --seed
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
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
        .option('format', { choices: ['text', 'md'], default: 'text' }),
    )
    .command('explore <spec>', 'search package designs (kind per grid position, array and buffer sizes, DRAM positions) for a spec\'s weighted scenarios: Pareto front, top K confirmed by simulation', (y) =>
      exploreCommand(common(y))
        .option('strategy', { choices: STRATEGIES, default: 'scar' as Strategy, describe: 'scheduler that scores each design (SCAR options come from the spec)' })
        .option('objective', { choices: OBJECTIVES, default: 'edp' as ObjectiveName, describe: 'what the scheduler and the search minimise' })
        .option('mapping', { choices: MAPPING_PROFILES, describe: 'set every chiplet kind\'s mapping (search, templates, or one template; default: as the package files say)' })
        .option('jobs', { type: 'number', describe: 'worker threads, one design each (default: the cores); output is the same for any number' }),
    )
    .command('cost', 'analytical cost of one layer on one chiplet', (y) =>
      common(y)
        .option('layer', { type: 'string', demandOption: true, describe: 'layer as JSON (workload layer syntax) or file.json#layerName' })
        .option('mapping', { choices: MAPPING_CHOICES, default: 'search', describe: 'search: the mapper; maestro:TEMPLATE: MAESTRO\'s fixed template (nvdla = kcp_ws, shidiannao = yxp_os, eyeriss = row stationary)' })
        .option('dataflow', { choices: ['ws', 'os', 'rs'], describe: 'chiplet kind (required with --mapping search; a template implies it)' })
        .option('pes', { type: 'number', describe: 'PE count (search: a square array; template: any count)' })
        .option('noc-bw', { type: 'number', describe: 'template: NoC bandwidth, elements/cycle (default: one per PE)' })
        .option('offchip-bw', { type: 'number', describe: 'template: off-chip bandwidth, elements/cycle (default: one DRAM channel)' })
        .option('noc-hop-latency', { type: 'number', describe: 'template: NoC latency per transfer, cycles (default 1, MAESTRO\'s)' })
        .option('array', { type: 'string', describe: 'PE array as ROWSxCOLS' })
        .option('buffer', { type: 'number', describe: 'buffer bytes' })
        .option('samples', { type: 'number', default: 1 })
        .option('objective', { choices: ['latency', 'energy', 'edp'], default: 'latency', describe: 'what the mapper minimises (latency: ties by energy)' })
        .option('top', { type: 'number', default: 1, describe: 'also show the next best N - 1 mappings' })
        .option('package', { type: 'string', default: DEFAULT_PACKAGE, describe: 'package whose chiplet kind and DRAM supply the other constants' }),
    )
    .command('traffic', 'replay raw NoP and DRAM requests (JSON lines) open loop, without a schedule, as BookSim2\'s and DRAMsim3\'s trace modes do', (y) =>
      y
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
        .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
        .option('package', { type: 'string', demandOption: true, describe: 'package JSON (grid, NoP and DRAM models)' })
        .option('requests', { type: 'string', demandOption: true, describe: 'requests, one JSON object per line: {"t_ns": 0, "src": "c0_0", "dst": "dram0", "bytes": 64, "addr": 0}' })
        .option('trace', { type: 'string', describe: 'write a Perfetto trace (.pftrace): bandwidth, busy and queued time of every NoP link and DRAM channel over time' }),
    )
    .command('import <format> <model>', 'convert a model (ONNX) into a workload file', (y) => importOptions(common(y)))
    .middleware(rejectRepeatedFlags as unknown as Parameters<Argv['middleware']>[0])
    .demandCommand(1, 'name a command')
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      // yargs spreads some messages ("Invalid values:") over several lines.
      throw new UsageError(String(msg).replace(/\s*\n\s*/g, ' '));
    });
}

class UsageError extends Error {}

/** yargs passes its instance too: flags the command declares as arrays may repeat, no other may; no file flag may be empty. */
function rejectRepeatedFlags(args: Record<string, unknown>, y: { getOptions(): { array: string[] } }): void {
  const wrong = checkRepeatedFlags(args, y.getOptions().array) ?? checkEmptyPaths(args);
  if (wrong) throw new UsageError(wrong);
}

export async function main(argv: string[]): Promise<number> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const args = (await buildCli(argv).parseAsync()) as any;
    const cmd = String(args._[0]);
    args.argv = argv; // the command line as typed, for reports
    if (cmd === 'run') {
      const a = args as never as Parameters<typeof cmdRun>[0] & { noTrace?: boolean };
      if (a.noTrace) a.trace = undefined;
      // The default trace goes to traces/out under the current folder: outside a checkout,
      // make its "traces" level too (output code only ever makes a missing last level).
      else if (a.trace === DEFAULT_TRACE && !argv.some((x) => x === '--trace' || x.startsWith('--trace=')) && !fs.existsSync('traces')) fs.mkdirSync('traces');
      await cmdRun(a);
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
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
