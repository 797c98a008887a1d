import * as fs from 'fs';
import { jsonOut } from '../../sim/report/json-names';
import * as os from 'os';
import * as path from 'path';
import { inShard, mergeSweep, resolveShard, runSweep } from '../../sim/cli/sweep';
import { loadSweep, OBJECTIVE_NAMES, STRATEGY_NAMES } from '../../sim/input/sweep';
import { STRATEGIES } from '../../sim/pipeline';
import { OBJECTIVES } from '../../sim/sched/objective';
import { evaluateOnPackage } from '../../sim/report/packages';
import { loadScenario } from '../../sim/input/scenario';
import { loadPackage } from '../../sim/input/package';
import { edgeChannels } from '../../sim/input/overrides';
import { InputError } from '../../sim/input/errors';
import { spawn } from 'child_process';
import { cli } from './incli';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = path.join(ROOT, 'test/golden/small');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-sweep-'));

/** A spec in tmp naming the small golden inputs by relative path (as a user's spec would). */
function spec(name: string, extra: object = {}): string {
  const rel = (f: string) => path.relative(tmp, path.join(SMALL, f));
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ schema: 'mcmsim/sweep@1', name, scenarios: [rel('scenario.json')], packages: [rel('package.json')], seeds: [1], scar: { windows: 2 }, ...extra }));
  return file;
}

const GRID = { strategies: ['scar', 'greedy'], overrides: { nopBandwidthGBps: [25, 100], bufferBytes: [65536, 1048576] } };

test('a sweep spec may name every strategy the CLI has', () => {
  expect([...STRATEGY_NAMES].sort()).toEqual([...STRATEGIES].sort());
});

describe('sweep: sharding', () => {
  test('--shard I/N, else the Slurm array task (id - min of count), else everything', () => {
    expect(resolveShard('2/5', {})).toEqual({ index: 2, count: 5 });
    expect(resolveShard(undefined, {})).toEqual({ index: 0, count: 1 });
    expect(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4 });
    // --array=1-4: ids 1..4, min 1
    expect(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4 });
    // the flag wins over the environment
    expect(resolveShard('0/2', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 0, count: 2 });
    for (const bad of ['2/2', '1', 'a/b', '0/0', '-1/3']) expect(() => resolveShard(bad, {})).toThrow(/--shard/);
    // --array=1,3,5 (not contiguous): id 5 - min 1 = 4 >= count 3
    expect(() => resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' })).toThrow(/contiguous/);
  });

  test('the shards of N partition the grid: each unit in exactly one', () => {
    const units = loadSweep(spec('part', GRID)).units;
    expect(units).toHaveLength(8); // 1 scenario x 1 package x 2 strategies x 1 seed x 2 x 2 overrides
    for (const n of [1, 2, 3, 8, 11]) {
      for (const u of units) expect(Array.from({ length: n }, (_, i) => inShard(u.index, { index: i, count: n })).filter(Boolean)).toHaveLength(1);
    }
    // grid order: strategies outside seeds outside overrides (nopBandwidthGBps before bufferBytes)
    expect(units.map((u) => [u.strategy, u.overrides.nopBandwidthGBps, u.overrides.bufferBytes])).toEqual([
      ['scar', 25, 65536], ['scar', 25, 1048576], ['scar', 100, 65536], ['scar', 100, 1048576],
      ['greedy', 25, 65536], ['greedy', 25, 1048576], ['greedy', 100, 65536], ['greedy', 100, 1048576],
    ]);
    expect(new Set(units.map((u) => u.key)).size).toBe(8);
  });
});

describe('sweep: overrides go through the package checks', () => {
  test('an absurd override names the spec file and field', () => {
    const f = spec('bad', { overrides: { nopBandwidthGBps: [100, -5] } });
    expect(() => loadSweep(f)).toThrow(InputError);
    expect(() => loadSweep(f)).toThrow(`${f}: overrides.nopBandwidthGBps[1]: must be >= 0.001 GB/s, got -5 (as nop.linkBandwidthGBps of package.json)`);
    expect(() => loadSweep(spec('bad2', { overrides: { peArray: [[32, 32], [0, 8]] } }))).toThrow(/overrides\.peArray\[1\]\[0\]: must be >= 1 PEs, got 0$/);
    expect(() => loadSweep(spec('bad3', { overrides: { dramChannels: [5] } }))).toThrow(/overrides\.dramChannels\[0\]: 5 channels do not fit on the 4 edge chiplets of a 2x2 grid/);
    expect(() => loadSweep(spec('bad4', { strategies: ['fast'] }))).toThrow(/strategies\[0\]: expected one of scar, greedy, exhaustive/);
    expect(() => loadSweep(spec('dup', { seeds: [1, '1'] }))).toThrow(/the grid has the same unit twice/);
  });

  test('CLI: exit 2, one line, no results file', async () => {
    const out = path.join(tmp, 'bad.jsonl');
    const r = await cli('sweep', spec('badcli', { overrides: { bufferBytes: [1e6, 12] } }), '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^mcmsim: error: .*badcli\.json: overrides\.bufferBytes\[1\]: must be >= 64 bytes, got 12 \(as kinds\.\w+\.bufferBytes of package\.json\)$/)]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('DRAM channels on the edges: 2 x rows gives the shipped layout', () => {
    expect(edgeChannels(6, 3, 3)).toEqual([[0, 0], [1, 0], [2, 0], [0, 2], [1, 2], [2, 2]]);
    // 3 on a 6-row package: 2 left at rows floor(1.5) = 1, floor(4.5) = 4; 1 right at floor(3) = 3
    expect(edgeChannels(3, 6, 6)).toEqual([[1, 0], [4, 0], [3, 5]]);
    expect(edgeChannels(13, 6, 6)).toMatch(/do not fit/);
  });
});

describe('sweep: run, resume, merge', () => {
  const f = spec('grid', GRID);
  const full = path.join(tmp, 'full.jsonl');
  let fullText = '';

  beforeAll(async () => {
    const r = await runSweep(f, { out: full, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(r).toMatchObject({ units: 8, skipped: 0, ran: 8, errors: 0 });
    fullText = fs.readFileSync(full, 'utf8');
  });

  test('one line per unit, in grid order, EDP = energy x latency', () => {
    const lines = fullText.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.unit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const l of lines) {
      expect(l).toMatchObject({ sweep: 'grid', units: 8, scenario: 'small', package: 'small_2x2' });
      expect(l.simulated.edpJs).toBeCloseTo(l.simulated.energyPj * l.simulated.latencyPs * 1e-24, 20);
    }
    // More NoP bandwidth never makes the same schedule's simulated run slower (greedy ignores it).
    const sim = (s: string, bw: number, buf: number) => lines.find((l) => l.strategy === s && l.overrides.nopBandwidthGBps === bw && l.overrides.bufferBytes === buf).simulated.latencyPs;
    expect(sim('greedy', 100, 1048576)).toBeLessThanOrEqual(sim('greedy', 25, 1048576));
  });

  test('resume: units already in the file are skipped; the bytes are those of one uninterrupted run', async () => {
    const part = path.join(tmp, 'part.jsonl');
    const lines = fullText.split('\n');
    fs.writeFileSync(part, [lines[5], lines[1], ''].join('\n'));
    const r = await runSweep(f, { out: part, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(r).toMatchObject({ units: 8, skipped: 2, ran: 6 });
    expect(fs.readFileSync(part, 'utf8')).toBe(fullText);
    const again = await runSweep(f, { out: part, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(again).toMatchObject({ skipped: 8, ran: 0 });
  });

  test('an unfinished last line (a kill in the middle of an append) is dropped and its unit rerun', async () => {
    const cut = path.join(tmp, 'cut.jsonl');
    const lines = fullText.split('\n');
    fs.writeFileSync(cut, lines.slice(0, 3).join('\n') + '\n' + lines[3].slice(0, 40));
    expect(mergeSweep([cut], 'json')).toMatchObject({ unfinished: [cut], coverage: [{ present: 3 }] });
    const r = await runSweep(f, { out: cut, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(r).toMatchObject({ skipped: 3, ran: 5 });
    expect(fs.readFileSync(cut, 'utf8')).toBe(fullText);
  });

  test('a grown spec keeps the finished units, renumbered; a shrunk one is refused', async () => {
    const grown = path.join(tmp, 'grown.jsonl');
    fs.copyFileSync(full, grown);
    const f2 = spec('grid-grown', { ...GRID, name: 'grid', overrides: { ...GRID.overrides, nopBandwidthGBps: [25, 100, 200] } });
    const r = await runSweep(f2, { out: grown, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(r).toMatchObject({ units: 12, skipped: 8, ran: 4 });
    const lines = fs.readFileSync(grown, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.unit, l.units])).toEqual(Array.from({ length: 12 }, (_, i) => [i, 12]));
    // unit 4 of the old grid (greedy, 25, 65536) is unit 6 of the new one, same result
    const old = JSON.parse(fullText.split('\n')[4]);
    expect(lines[6]).toEqual({ ...old, unit: 6, units: 12 });
    const f3 = spec('grid-shrunk', { ...GRID, name: 'grid', overrides: { ...GRID.overrides, nopBandwidthGBps: [25] } });
    await expect(runSweep(f3, { out: grown, shard: { index: 0, count: 1 }, jobs: 1, quiet: true })).rejects.toThrow(/unit 2: a unit of sweep grid that .*grid-shrunk\.json no longer has/);
  });

  test('shards in worker threads, merged, equal the single run (any --jobs, any N)', async () => {
    const shards = [0, 1, 2].map((i) => path.join(tmp, `shard${i}.jsonl`));
    for (let i = 0; i < 3; i++) {
      const r = await runSweep(f, { out: shards[i], shard: { index: i, count: 3 }, jobs: 2, quiet: true });
      expect(r.units).toBe([3, 3, 2][i]);
    }
    const merged = mergeSweep(shards, 'json');
    expect(merged.coverage).toEqual([{ sweep: 'grid', present: 8, units: 8, missing: [] }]);
    // The merged JSON is the results lines with the list schedule also under its new name (listSchedule).
    expect(JSON.parse(merged.text)).toEqual(JSON.parse(jsonOut(fullText.trim().split('\n').map((l) => JSON.parse(l)))));
    expect(JSON.parse(merged.text)[0].listSchedule).toEqual(JSON.parse(merged.text)[0].analytical);
    // missing shards are reported
    expect(mergeSweep(shards.slice(0, 2), 'json').coverage).toEqual([{ sweep: 'grid', present: 6, units: 8, missing: [2, 5] }]);
  }, 60_000);

  test('merge: csv and md tables, one row per unit', async () => {
    const csv = mergeSweep([full], 'csv').text.trim().split('\n');
    expect(csv[0]).toBe('sweep,unit,scenario,package,strategy,seed,nopBandwidthGBps,bufferBytes,jobs,list_schedule_latency_ps,list_schedule_energy_pj,list_schedule_edp_js,simulated_latency_ps,simulated_energy_pj,simulated_edp_js,error,analytical_latency_ps,analytical_energy_pj,analytical_edp_js');
    // The old names of the list schedule's columns repeat them at the end (one release).
    expect(csv[1].split(',').slice(16)).toEqual(csv[1].split(',').slice(9, 12));
    expect(csv).toHaveLength(9);
    const first = JSON.parse(fullText.split('\n')[0]);
    expect(csv[1].split(',').slice(0, 9)).toEqual(['grid', '0', 'small', 'small_2x2', 'scar', '1', '25', '65536', String(first.jobs)]);
    expect(Number(csv[1].split(',')[14])).toBe(first.simulated.edpJs);
    const md = mergeSweep([full], 'md').text.trim().split('\n');
    expect(md[1]).toMatch(/^\| --- \|/);
    expect(md).toHaveLength(10);
    const r = await cli('sweep', 'merge', full, '--format', 'md', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual(md);
  });

  test('a grid point that cannot run (a layer fits no buffer) is an error line, not a failed sweep', async () => {
    const out = path.join(tmp, 'tiny.jsonl');
    const r = await runSweep(spec('tiny', { overrides: { bufferBytes: [64] } }), { out, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(r).toMatchObject({ ran: 1, errors: 1 });
    const l = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(l.error).toMatch(/fits no chiplet kind's buffer/);
    expect(mergeSweep([out], 'text').text).toMatch(/error: .*fits no/);
  });

  test('merge rejects a file that is not sweep results, naming file and line', () => {
    const junk = path.join(tmp, 'junk.jsonl');
    fs.writeFileSync(junk, fullText.split('\n')[0] + '\n{"a":1}\n');
    expect(() => mergeSweep([junk], 'text')).toThrow(`${junk}: line 2: not a sweep result line`);
  });

  test('a folder given as the results file is one line naming it, as for any input (was "cannot read (EISDIR)")', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'outdir-'));
    await expect(runSweep(spec('d'), { out: dir, shard: { index: 0, count: 1 }, jobs: 1, quiet: true })).rejects.toThrow(new InputError(dir, '', 'is a folder, not a file'));
    expect(() => mergeSweep([dir], 'text')).toThrow(new InputError(dir, '', 'is a folder, not a file'));
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('sweep: objectives (what each strategy minimises, a grid axis)', () => {
  test('a sweep spec may name every objective the CLI has', () => {
    expect([...OBJECTIVE_NAMES].sort()).toEqual([...OBJECTIVES].sort());
  });

  test('objectives sit between strategies and seeds; the default edp stays out of the key (older results still match)', () => {
    const units = loadSweep(spec('objgrid', { strategies: ['scar', 'greedy'], objectives: ['latency', 'edp'], seeds: [1, 2] })).units;
    expect(units.map((u) => [u.strategy, u.objective, u.seed])).toEqual([
      ['scar', 'latency', '1'], ['scar', 'latency', '2'], ['scar', 'edp', '1'], ['scar', 'edp', '2'],
      ['greedy', 'latency', '1'], ['greedy', 'latency', '2'], ['greedy', 'edp', '1'], ['greedy', 'edp', '2'],
    ]);
    expect(JSON.parse(units[0].key)).toMatchObject({ strategy: 'scar', objective: 'latency' });
    const plain = loadSweep(spec('objgrid', { strategies: ['scar', 'greedy'], seeds: [1, 2] })).units;
    expect(plain.map((u) => u.objective)).toEqual(Array(4).fill('edp'));
    expect(plain.map((u) => u.key)).toEqual(units.filter((u) => u.objective === 'edp').map((u) => u.key));
  });

  test('a bad objective names the spec file and field; the CLI exits 2 with one line and no results file', async () => {
    const f = spec('badobj', { objectives: ['edp', 'speed'] });
    expect(() => loadSweep(f)).toThrow(InputError);
    expect(() => loadSweep(f)).toThrow(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: objectives\\[1\\]: expected one of edp, latency, energy`));
    expect(() => loadSweep(spec('badobj2', { objectives: 'latency' }))).toThrow(/objectives: /);
    const out = path.join(tmp, 'badobj.jsonl');
    const r = await cli('sweep', f, '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^mcmsim: error: .*badobj\.json: objectives\[1\]: expected one of edp, latency, energy/)]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('each unit is scheduled for its objective; a results file from an edp-only spec resumes into the grown grid', async () => {
    const base = { strategies: ['greedy'] };
    const before = path.join(tmp, 'obj.jsonl');
    await runSweep(spec('obj', base), { out: before, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    const r = await runSweep(spec('obj', { ...base, objectives: ['edp', 'latency', 'energy'] }), { out: before, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(r).toMatchObject({ units: 3, skipped: 1, ran: 2 });
    const lines = fs.readFileSync(before, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.unit, l.objective])).toEqual([[0, 'edp'], [1, 'latency'], [2, 'energy']]);
    // Each line is what the same strategy gives for that objective when called directly.
    for (const l of lines) {
      const direct = await evaluateOnPackage(loadScenario(path.join(SMALL, 'scenario.json')), loadPackage(path.join(SMALL, 'package.json')), { strategy: 'greedy', seed: '1', objective: l.objective, scar: { windows: 2 } });
      expect(l.analytical).toEqual(direct.analytical);
    }
    expect(lines[1].analytical.latencyPs).not.toBe(lines[0].analytical.latencyPs); // the objective changed the schedule
    const fresh = path.join(tmp, 'obj-fresh.jsonl');
    await runSweep(spec('obj', { ...base, objectives: ['edp', 'latency', 'energy'] }), { out: fresh, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(fs.readFileSync(before, 'utf8')).toBe(fs.readFileSync(fresh, 'utf8'));
    // The merged table gets an objective column after the strategy.
    const csv = mergeSweep([fresh], 'csv').text.trim().split('\n');
    expect(csv[0].startsWith('sweep,unit,scenario,package,strategy,objective,seed,jobs,')).toBe(true);
    expect(csv.slice(1).map((c) => c.split(',')[5])).toEqual(['edp', 'latency', 'energy']);
    expect(mergeSweep([fresh], 'text').text.split('\n')[0]).toMatch(/strategy\s+objective\s+seed/);
  });

  test('a results file written before lines had an objective resumes to the bytes of a fresh run, and merges with the field', async () => {
    const f = spec('old', { strategies: ['greedy'], seeds: [1, 2, 3] });
    const fresh = path.join(tmp, 'old-fresh.jsonl');
    await runSweep(f, { out: fresh, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    const freshText = fs.readFileSync(fresh, 'utf8');
    // What the previous version wrote for units 0 and 2 (no objective field; same key).
    const old = freshText.trim().split('\n').filter((_, i) => i !== 1).map((l) => {
      const { objective, ...rest } = JSON.parse(l);
      expect(objective).toBe('edp');
      return JSON.stringify(rest) + '\n';
    }).join('');
    expect(old).not.toContain('objective');
    const out = path.join(tmp, 'old.jsonl');
    fs.writeFileSync(out, old);
    // Merged, such lines say what they minimised too.
    expect(JSON.parse(mergeSweep([out], 'json').text).map((l: { objective?: string }) => l.objective)).toEqual(['edp', 'edp']);
    expect(await runSweep(f, { out, shard: { index: 0, count: 1 }, jobs: 1, quiet: true })).toMatchObject({ units: 3, skipped: 2, ran: 1 });
    expect(fs.readFileSync(out, 'utf8')).toBe(freshText);
  });
});

describe('sweep: interrupted', () => {
  test('SIGINT stops the compiled CLI between whole lines (exit 130, no temp file); rerunning completes the same bytes', async () => {
    const f = spec('many', { strategies: ['greedy'], seeds: Array.from({ length: 30 }, (_, i) => i + 1) });
    const out = path.join(tmp, 'many.jsonl');
    const bin = path.join(ROOT, 'dist/sim/cli/main.js');
    const child = spawn(process.execPath, [bin, 'sweep', f, '--out', out, '--jobs', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      err += String(d);
      // Once: a second Ctrl-C kills at once (Node's default), as a user pressing it twice expects.
      if (!sent && /\[1\/30\]/.test(err)) sent = child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(err).toMatch(/mcmsim: SIGINT: finished units are in .*many\.jsonl; run the same command again to resume/);
    const partial = fs.readFileSync(out, 'utf8');
    const n = partial.split('\n').length - 1;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(30);
    expect(partial.endsWith('\n')).toBe(true);
    // units start in grid order, so with one worker the finished ones are a prefix of the grid
    expect(partial.trim().split('\n').map((l) => JSON.parse(l).unit)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(fs.readdirSync(tmp).filter((x) => x.endsWith('.tmp'))).toEqual([]);
    const r = await runSweep(f, { out, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(r).toMatchObject({ skipped: n, ran: 30 - n });
    const fresh = path.join(tmp, 'many-fresh.jsonl');
    await runSweep(f, { out: fresh, shard: { index: 0, count: 1 }, jobs: 1, quiet: true });
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(fresh, 'utf8'));
  }, 120_000);
});
