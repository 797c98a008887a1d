/**
 * `mcmsim explore SPEC [--out results.jsonl] [--shard I/N] [--merge FILES...]`: runs the search
 * of sim/experiments/explore.ts on the worker pool and prints the report.
 *
 * Results file (as `sweep`'s): one JSON line per evaluated design, appended as each finishes
 * and rewritten whole in unit order at the end, so its final bytes do not depend on --jobs or on
 * interruptions; designs already in it are not run again (resume), and the evolutionary search,
 * replayed with the same seed, reads them back instead of re-running them. A shard (--shard I/N
 * or a Slurm array task) only writes its file; `--merge` joins the shards' files, simulates the
 * top K and reports. Without --shard the run reports at once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Argv } from 'yargs';
import { InputError } from '../input/errors';
import { readInputFile } from '../input/json';
import { ExploreSpec, loadExploreSpec } from '../input/explore-spec';
import { MappingProfile, applyOverrides } from '../input/overrides';
import { configKey, ExploreOptions, ExploreUnit, search, SearchOutcome } from '../experiments/explore';
import { designPackageJson, enumerate, parseDesignKey, spaceSize } from '../experiments/explore-space';
import { buildReport, DesignResult, ExploreReport, exploreText, ranked } from '../report/explore';
import { exploreHtml } from '../report/html/explore';
import { writeFileAtomic } from '../output/atomic';
import { runUnits } from './pool';
import { Progress } from './progress';
import { resolveShard, Shard } from './sweep';
import { reportMeta, writeHtmlReport } from './html';

export interface ExploreArgs extends ExploreOptions {
  spec: string;
  out?: string;
  shard?: string;
  merge?: string[];
  jobs: number;
  quiet: boolean;
  json: boolean;
  html?: string;
  outPackage?: string;
  argv?: string[];
}

export function exploreCommand(y: Argv): Argv {
  return y
    .positional('spec', { type: 'string', describe: 'exploration spec JSON (mcmsim/explore@1)' })
    .option('out', { type: 'string', describe: 'results file (JSON lines, one per design); designs already in it are not run again (resume)' })
    .option('shard', { type: 'string', describe: 'run shard I of N (I/N, from 0; default: from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, else all) and only write --out; join with --merge' })
    .option('merge', { type: 'array', string: true, describe: 'report from these results files (the shards), running nothing but the top-K simulation' })
    .option('html', { type: 'string', describe: 'also write an HTML report (the front, the layouts, EDP against the baselines)' })
    .option('out-package', { type: 'string', describe: 'write the best design as a package file' });
}

/** A results file's lines; an unfinished last line (a killed append) is dropped and its design runs again. */
function readLines(file: string): DesignResult[] {
  if (!fs.existsSync(file)) return [];
  const text = readInputFile(file, Infinity, () => '').toString('utf8');
  const whole = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  return whole.split('\n').flatMap((l, i) => {
    if (!l.trim()) return [];
    try {
      const r = JSON.parse(l) as DesignResult;
      if (typeof r.key !== 'string' || typeof r.config !== 'string' || !Array.isArray(r.scenarios)) throw new Error();
      return [r];
    } catch {
      throw new InputError(file, `line ${i + 1}`, 'not a results line of mcmsim explore');
    }
  });
}

const serialize = (rs: readonly DesignResult[]) => rs.map((r) => JSON.stringify(r) + '\n').join('');

/** Lines of this spec and options, by key; lines made otherwise are an error (a new --out is needed). */
function known(file: string, spec: ExploreSpec, config: string): Map<string, DesignResult> {
  const m = new Map<string, DesignResult>();
  for (const r of readLines(file)) {
    if (r.explore !== spec.name) throw new InputError(file, '', `results of exploration "${r.explore}", not "${spec.name}"; use a new --out`);
    if (r.config !== config) throw new InputError(file, '', `results made with other options (${r.config}), this run has ${config}; use a new --out`);
    if (!m.has(r.key)) m.set(r.key, r);
  }
  return m;
}

export async function cmdExplore(a: ExploreArgs, print: (text: string) => void): Promise<void> {
  const spec = loadExploreSpec(path.resolve(a.spec));
  const opts: ExploreOptions = { strategy: a.strategy, objective: a.objective, seed: a.seed, ...(a.mapping ? { mapping: a.mapping } : {}) };
  const config = configKey(spec, opts);
  let results: DesignResult[];
  let head: Pick<SearchOutcome, 'mode' | 'spaceSize' | 'canonical'>;
  const size = spaceSize(spec);
  if (a.merge?.length) {
    if (a.out || a.shard) throw new InputError('--merge', '', 'reads results files: give no --out or --shard');
    const byKey = new Map<string, DesignResult>();
    for (const f of a.merge) {
      if (!fs.existsSync(f)) throw new InputError(f, '', 'file not found');
      for (const [k, r] of known(f, spec, config)) if (!byKey.has(k)) byKey.set(k, r);
    }
    results = [...byKey.values()];
    const exhaustive = size <= spec.exhaustiveLimit;
    head = { mode: exhaustive ? 'exhaustive' : 'evolutionary', spaceSize: size, ...(exhaustive ? { canonical: enumerate(spec).length } : {}) };
    if (exhaustive && !a.quiet) {
      const have = results.filter((r) => !r.key.startsWith('baseline:')).length;
      if (have < head.canonical!) process.stderr.write(`mcmsim: the merged files have ${have} of ${head.canonical} designs (a shard missing or unfinished)\n`);
    }
  } else {
    const shard: Shard = resolveShard(a.shard, process.env);
    const cache = a.out ? known(a.out, spec, config) : new Map<string, DesignResult>();
    const written: DesignResult[] = [];
    let progress: Progress | undefined;
    const runner = async (units: ExploreUnit[]): Promise<DesignResult[]> => {
      const todo = units.filter((u) => !cache.has(keyOf(u)));
      for (const u of units) if (cache.has(keyOf(u))) progress?.unit(`${label(u)} (from ${a.out})`);
      const rs = await runUnits('explore', todo, {
        jobs: a.jobs,
        isolate: a.jobs > 1,
        onResult: (i, r) => {
          if (a.out) fs.appendFileSync(a.out, serialize([r]));
          progress?.unit(label(todo[i]) + (r.error ? ': error' : ''));
        },
      });
      todo.forEach((u, i) => cache.set(keyOf(u), rs[i]));
      const out = units.map((u) => cache.get(keyOf(u))!);
      written.push(...out);
      return out;
    };
    // A baseline's line carries its package's name: the unit's target is its file.
    const baselineKey = new Map(spec.baselines.map((b) => [`baseline:${b.file}`, `baseline:${b.name}`]));
    const keyOf = (u: ExploreUnit) => baselineKey.get(u.target) ?? u.target;
    const label = (u: ExploreUnit) => keyOf(u);
    if (a.out) writeFileAtomic(a.out, serialize([...cache.values()]));
    try {
      const outcome = await search(spec, opts, shard, runner, (n, what) => {
        progress = new Progress(n, a.quiet);
        progress.note(`explore ${spec.name}: ${what}`);
      });
      head = { mode: outcome.mode, spaceSize: outcome.spaceSize, ...(outcome.canonical !== undefined ? { canonical: outcome.canonical } : {}) };
      results = dedupe(outcome.results);
    } finally {
      progress?.end();
    }
    // In unit order, then lines of earlier runs this one did not reach.
    if (a.out) writeFileAtomic(a.out, serialize(dedupe([...written, ...cache.values()])));
    if (shard.count > 1) {
      print(a.json ? JSON.stringify({ out: a.out ?? null, shard: `${shard.index}/${shard.count}`, designs: results.length }) : `wrote ${a.out ?? '(nothing: no --out)'}: shard ${shard.index}/${shard.count}, ${results.length} results; join the shards with --merge`);
      return;
    }
  }
  const report = await finish(spec, opts, head, results, a);
  if (a.html) writeHtmlReport(a.html, exploreHtml(report, reportMeta([a.spec, ...(a.merge ?? [])], a.seed, a.argv)), a.quiet);
  if (a.outPackage) {
    const best = report.top[0];
    if (!best) throw new InputError(a.spec, '', 'no design was evaluated without error: nothing to write');
    const d = parseDesignKey(spec, best.key)!;
    let json = designPackageJson(spec, d, `${spec.name}_best`);
    if (opts.mapping) json = applyOverrides(json, { mapping: opts.mapping }, (k, detail) => { throw new Error(`${k}: ${detail}`); }) as Record<string, unknown>;
    writeFileAtomic(a.outPackage, JSON.stringify(json, null, 2) + '\n');
    if (!a.quiet) process.stderr.write(`wrote ${a.outPackage} (the best design, ${best.layout.join('/')})\n`);
  }
  print(a.json ? JSON.stringify(report, null, 2) : exploreText(report));
}

function dedupe(rs: readonly DesignResult[]): DesignResult[] {
  const seen = new Set<string>();
  return rs.filter((r) => seen.size < seen.add(r.key).size);
}

/** Simulates the top K and the references, then assembles the report. */
async function finish(spec: ExploreSpec, opts: ExploreOptions, head: Pick<SearchOutcome, 'mode' | 'spaceSize' | 'canonical'>, results: DesignResult[], a: ExploreArgs): Promise<ExploreReport> {
  const ok = results.filter((r) => !r.error);
  const designs = ok.filter((r) => !r.key.startsWith('baseline:'));
  const top = ranked(designs, opts.objective).slice(0, spec.topK);
  const homog = ranked(designs.filter((r) => r.homogeneous), opts.objective)[0];
  const fileOf = new Map(spec.baselines.map((b) => [`baseline:${b.name}`, b.file]));
  const targets = [...top, ...(homog && !top.includes(homog) ? [homog] : []), ...ok.filter((r) => r.key.startsWith('baseline:'))];
  const units: ExploreUnit[] = targets.map((r) => ({ ...opts, spec: spec.file, target: fileOf.has(r.key) ? `baseline:${fileOf.get(r.key)}` : r.key, simulate: true }));
  const progress = new Progress(units.length, a.quiet);
  progress.note(`explore ${spec.name}: simulating the top ${top.length} and ${units.length - top.length} references`);
  let sims: DesignResult[];
  try {
    sims = await runUnits('explore', units, { jobs: a.jobs, isolate: a.jobs > 1, onResult: (i) => progress.unit(`simulated ${targets[i].key}`) });
  } finally {
    progress.end();
  }
  const base = spec.base;
  return buildReport({
    name: spec.name, spec: a.spec, grid: `${spec.rows}x${spec.cols}`,
    kinds: spec.kinds.map((k) => ({ letter: k.letter, name: k.name, dataflow: base.kinds.find((x) => x.name === k.name)!.dataflow })),
    scenarios: spec.scenarios.map((s) => ({ name: s.scenario.name, weight: s.weight })),
    strategy: opts.strategy, objective: opts.objective, seed: opts.seed, mapping: opts.mapping ?? 'as in the package files',
    ...head,
  }, results, new Map(sims.map((s) => [s.key, s])), spec.topK);
}

export type { MappingProfile };
