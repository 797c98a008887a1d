/**
 * `mcmsim sweep SPEC --out results.jsonl` and `mcmsim sweep merge FILES...`.
 *
 * A sweep runs its shard of the spec's grid (units i with i mod N = I for shard I/N, so every
 * shard gets a mix of cheap and expensive points) on a worker pool. Each finished unit is
 * appended to the results file as one whole line (one write); at the start and the end the file
 * is rewritten in grid order through a temporary file and a rename, so its final bytes do not
 * depend on --jobs or on how often the run was interrupted and resumed. Units already in the file
 * are skipped (resume). Rewriting the whole file after every unit would be simpler but writes
 * O(units^2) bytes, too much for a sweep of thousands of units on a cluster's shared filesystem.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../input/errors';
import { loadSweep } from '../input/sweep';
import { readInputFile } from '../input/json';
import { coverage, orderLines, parseSweepLines, serializeLines, SweepLine, sweepTable, SweepTask, withObjective } from '../report/sweep';
import { defaultJobs, runUnits } from './pool';
import { Progress } from './progress';
import { writeFileAtomic } from '../output/atomic';
import { jsonOut } from '../report/json-names';

export class SweepUsageError extends Error {}

export interface Shard {
  index: number;
  count: number;
}

/**
 * `--shard I/N` (I from 0), else a Slurm job array's task (SLURM_ARRAY_TASK_ID minus
 * SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT: so `--array=0-7` and `--array=1-8` both
 * work; the ids must be a contiguous range), else the whole grid.
 */
export function resolveShard(flag: string | undefined, env: NodeJS.ProcessEnv): Shard {
  if (flag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flag);
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new SweepUsageError(`--shard must be I/N with 0 <= I < N, got "${flag}"`);
    return { index: Number(m[1]), count: Number(m[2]) };
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_COUNT !== undefined) {
    const id = Number(env.SLURM_ARRAY_TASK_ID);
    const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
    const count = Number(env.SLURM_ARRAY_TASK_COUNT);
    const index = id - min;
    if (![id, min, count].every(Number.isInteger) || count < 1 || index < 0 || index >= count) {
      throw new SweepUsageError(`cannot take a shard from SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID}, SLURM_ARRAY_TASK_MIN=${env.SLURM_ARRAY_TASK_MIN}, SLURM_ARRAY_TASK_COUNT=${env.SLURM_ARRAY_TASK_COUNT} (use a contiguous --array range, or pass --shard I/N)`);
    }
    return { index, count };
  }
  return { index: 0, count: 1 };
}

export function inShard(unitIndex: number, s: Shard): boolean {
  return unitIndex % s.count === s.index;
}

export function unitLabel(u: { scenario: string; package: string; strategy?: string; objective?: string; seed?: string; overrides?: object }): string {
  const stem = (f: string) => path.basename(f, '.json');
  const ov = u.overrides && Object.keys(u.overrides).length ? ' ' + Object.entries(u.overrides).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('x') : v}`).join(' ') : '';
  const obj = u.objective && u.objective !== 'edp' ? `, ${u.objective}` : '';
  return `${stem(u.scenario)} on ${stem(u.package)}${u.strategy ? ` (${u.strategy}${obj}, seed ${u.seed})` : ''}${ov}`;
}

/**
 * A results file's lines. A last line without its newline is what a process killed in the
 * middle of appending leaves (the only write that is not whole): it is dropped, and its unit
 * runs again on resume.
 */
function readResults(file: string): { lines: SweepLine[]; droppedPartial: boolean } {
  if (!fs.existsSync(file)) return { lines: [], droppedPartial: false };
  // As any input: a folder or an unreadable file is one line naming it. No size cap: results grow with the grid.
  const text = readInputFile(file, Infinity, () => '').toString('utf8');
  const cut = text.length > 0 && !text.endsWith('\n');
  return { lines: parseSweepLines(file, cut ? text.slice(0, text.lastIndexOf('\n') + 1) : text), droppedPartial: cut };
}

export interface SweepRun {
  out: string;
  shard: Shard;
  /** Units of this shard, already present, run now, and of those ending in an error line. */
  units: number;
  skipped: number;
  ran: number;
  errors: number;
}

export async function runSweep(specFile: string, opts: { out: string; shard: Shard; jobs?: number; quiet: boolean; signal?: AbortSignal; isolate?: boolean }): Promise<SweepRun> {
  const spec = loadSweep(specFile);
  const mine = spec.units.filter((u) => inShard(u.index, opts.shard));
  const { lines, droppedPartial } = readResults(opts.out);
  // A spec grown by more values keeps its finished units: renumber them in the new grid.
  const byKey = new Map(spec.units.map((u) => [u.key, u]));
  lines.forEach((l, i) => {
    if (l.sweep !== spec.name) return;
    const u = byKey.get(l.key);
    if (!u) throw new InputError(opts.out, `unit ${l.unit}`, `a unit of sweep ${spec.name} that ${spec.file} no longer has (${l.key}); use a new --out`);
    l.unit = u.index;
    l.units = spec.units.length;
    lines[i] = withObjective(l);
  });
  const have = new Set(lines.map((l) => l.key));
  const todo = mine.filter((u) => !have.has(u.key));
  const progress = new Progress(todo.length, opts.quiet);
  progress.note(`sweep ${spec.name}: shard ${opts.shard.index}/${opts.shard.count}: ${mine.length} of ${spec.units.length} units, ${mine.length - todo.length} already in ${opts.out}, ${todo.length} to run`);
  if (droppedPartial) progress.note(`${opts.out}: dropped an unfinished last line (its unit runs again)`);
  const tasks: SweepTask[] = todo.map((u) => ({ ...u, sweep: spec.name, units: spec.units.length }));
  // Whole file in grid order now (renumbered, repaired) and at the end; in between each finished
  // unit is appended as one whole line, so an interrupted run leaves whole lines in completion order.
  const rewrite = () => writeFileAtomic(opts.out, serializeLines(orderLines(lines)));
  rewrite();
  let errors = 0;
  try {
    await runUnits('sweep', tasks, {
      jobs: opts.jobs ?? defaultJobs(),
      signal: opts.signal,
      isolate: opts.isolate,
      onResult: (i, line) => {
        lines.push(line);
        if (line.error) errors++;
        fs.appendFileSync(opts.out, serializeLines([line]));
        progress.unit(unitLabel(tasks[i]) + (line.error ? ': error' : ''));
      },
    });
    rewrite();
  } finally {
    progress.end();
  }
  return { out: opts.out, shard: opts.shard, units: mine.length, skipped: mine.length - todo.length, ran: todo.length, errors };
}

/** Joins results files (shards): the table, which units of each sweep are missing, and files whose last line was unfinished. */
export function mergeSweep(files: string[], format: 'text' | 'md' | 'csv' | 'json'): { text: string; coverage: ReturnType<typeof coverage>; unfinished: string[]; lines: SweepLine[] } {
  const all: SweepLine[] = [];
  const unfinished: string[] = [];
  for (const f of files) {
    if (!fs.existsSync(f)) throw new InputError(f, '', 'file not found');
    const r = readResults(f);
    if (r.droppedPartial) unfinished.push(f);
    all.push(...r.lines.map(withObjective));
  }
  const lines = orderLines(all);
  const text = format === 'json' ? jsonOut(lines) + '\n' : sweepTable(lines, format);
  return { text, coverage: coverage(lines), unfinished, lines };
}
