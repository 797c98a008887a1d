import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { cli } from './incli';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = path.join(ROOT, 'test/golden/small');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-cli-'));

const small = ['--scenario', path.join(SMALL, 'scenario.json'), '--package', path.join(SMALL, 'package.json'), '--quiet'];

describe('mcmsim CLI', () => {
  test('run --json: EDP = energy x latency, dynamic energy equal in both models', async () => {
    const r = await cli('run', ...small, '--no-trace', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.strategy).toBe('scar');
    expect(j.simulated.edpJs).toBeCloseTo(j.simulated.energy.totalPj * j.simulated.latencyPs * 1e-24, 20);
    expect(j.simulated.energy.dynamicPj).toBe(j.analytical.energy.dynamicPj);
    expect(j.simulated.latencyPs).toBeGreaterThanOrEqual(j.analytical.latencyPs);
  });

  test('determinism: same seed, same schedule bytes and same trace bytes', async () => {
    const files = [1, 2].map((i) => path.join(tmp, `s${i}.json`));
    for (const f of files) expect((await cli('schedule', ...small, '--search', 'evolutionary', '--seed', '7', '--out', f)).code).toBe(0);
    expect(fs.readFileSync(files[0], 'utf8')).toBe(fs.readFileSync(files[1], 'utf8'));
    const traces = [1, 2].map((i) => path.join(tmp, `t${i}.pftrace`));
    for (const t of traces) expect((await cli('simulate', '--schedule', files[0], '--trace', t, '--quiet')).code).toBe(0);
    expect(fs.readFileSync(traces[0]).equals(fs.readFileSync(traces[1]))).toBe(true);
    expect(fs.statSync(traces[0]).size).toBeGreaterThan(1000);
  });

  test('a written schedule replays to the same result as run', async () => {
    const f = path.join(tmp, 'replay.json');
    await cli('schedule', ...small, '--out', f);
    const a = JSON.parse((await cli('run', ...small, '--no-trace', '--json', '--fingerprint')).out);
    const b = JSON.parse((await cli('simulate', '--schedule', f, '--json', '--quiet', '--fingerprint')).out);
    expect(b.simulated).toEqual(a.simulated);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  test('bad schedule: one line naming file and field, exit 2, no trace file', async () => {
    const bad = path.join(tmp, 'bad.json');
    const sched = JSON.parse(fs.readFileSync(path.join(SMALL, 'schedule.json'), 'utf8'));
    sched.scenario = path.join(SMALL, 'scenario.json');
    sched.package = path.join(SMALL, 'package.json');
    sched.jobs[2].chiplet = 'c7_7';
    fs.writeFileSync(bad, JSON.stringify(sched));
    const trace = path.join(tmp, 'never.pftrace');
    const r = await cli('simulate', '--schedule', bad, '--trace', trace);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(bad);
    expect(r.err).toContain('jobs[2].chiplet');
    expect(fs.existsSync(trace)).toBe(false);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('bad scenario: exit 2 and the output schedule is not written', async () => {
    const bad = path.join(tmp, 'scen.json');
    fs.writeFileSync(bad, JSON.stringify({ schema: 'mcmsim/scenario@1', name: 'x', models: [{ workload: path.join(SMALL, 'cnn.json'), batch: 2, bacth: 3 }] }));
    const outFile = path.join(tmp, 'out.json');
    const r = await cli('schedule', '--scenario', bad, '--package', path.join(SMALL, 'package.json'), '--out', outFile);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/models\[0\]\.bacth: unknown field/);
    expect(fs.existsSync(outFile)).toBe(false);
  });

  test('usage errors exit 2', async () => {
    expect((await cli('simulate')).code).toBe(2);
    expect((await cli('run', '--strategy', 'magic')).code).toBe(2);
    expect((await cli('run', ...small, '--windows', '0')).code).toBe(2);
  });

  test('cost: the hand-computed conv on an 8x8 WS array', async () => {
    const layer = JSON.stringify({ op: 'conv2d', inChannels: 16, inHeight: 16, inWidth: 16, outChannels: 32, kernel: 3, pad: 1 });
    const r = await cli('cost', '--layer', layer, '--dataflow', 'ws', '--array', '8x8', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    // Inputs and weights come over one DRAM channel, so the mapper cuts the output rows in two
    // to overlap the second half's input load: 2 tiles * (72 folds * 128 pixels + 14).
    expect([j.kParts, j.nParts]).toEqual([1, 2]);
    expect(j.computeCycles).toBe(2 * (72 * 128 + 14));
    expect(j.macs).toBe(1179648);
    expect(j.bound).toBe('compute');
    expect(j.mapping.spatial).toBe('C x K (taps in time)');
    expect(j.energy.rfPj).toBeGreaterThan(0); // the default package prices registers apart
    // What the labels claim: DRAM bytes are the loads plus the output stores; the evaluator's DRAM
    // energy prices all of them, the mapper's only the loads (default package: 14.8 pJ/bit DRAM).
    expect(j.dramBytes).toBe(j.weightLoadBytes + j.inputLoadBytes + j.outputBytes);
    expect(j.energy.dramPj).toBeCloseTo(j.dramBytes * 8 * 14.8, 3);
    expect(j.mapping.mapperEnergy.loadPj).toBeCloseTo((j.weightLoadBytes + j.inputLoadBytes) * 8 * 14.8, 3);
    expect(j.latencyCycles).toBeGreaterThanOrEqual(j.mapping.mapperLatencyCycles);
    expect(j.mapping.mapperLatencyCycles).toBeGreaterThanOrEqual(j.computeCycles);
    const top = JSON.parse((await cli('cost', '--layer', layer, '--dataflow', 'ws', '--array', '8x8', '--json', '--top', '3', '--objective', 'energy')).out);
    expect(top.objective).toBe('energy');
    expect(top.runnersUp.length).toBe(2);
    expect(top.runnersUp[0].mapperEnergy.totalPj).toBeGreaterThanOrEqual(top.mapping.mapperEnergy.totalPj);
    const text = (await cli('cost', '--layer', layer, '--dataflow', 'os', '--top', '2')).out;
    expect(text).toMatch(/spatial \(rows x cols\)\s+\S/);
    // Each of the three latencies and two DRAM energies says what it is, with its unit.
    for (const label of ['compute: PE array busy (cycles)', 'latency as the mapper ranks it, no output stores (cycles)', 'latency, first DRAM load to last output store (cycles)',
      'mapper energy (pJ): MAC, registers, array, buffer, DRAM loads', 'energy DRAM, loads + output stores (pJ)', 'DRAM bytes: loads + output stores']) expect(text).toContain(label);
    expect(text).toMatch(/runner-up 2:/);
    expect((await cli('cost', '--layer', layer, '--dataflow', 'ws', '--top', '0')).code).toBe(2);
    expect((await cli('cost', '--layer', '{"op":"conv2d"', '--dataflow', 'ws')).code).toBe(2);
    expect((await cli('cost', '--layer', layer, '--dataflow', 'ws', '--pes', '10')).code).toBe(2);
  });

  test('the real process: exit code 2 and no stack trace on bad input', () => {
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'sim/cli/main.ts'), 'simulate', '--schedule', path.join(tmp, 'missing.json')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mcmsim: error: .*missing\.json: \(top level\): file not found\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('CLI: objectives, standalone, reproduce', () => {
  const smallRun = [...small, '--no-trace', '--json'];
  test('--objective latency never gives SCAR a slower schedule than edp', async () => {
    const get = async (objective: string) => JSON.parse((await cli('run', ...smallRun, '--objective', objective)).out);
    const edp = await get('edp');
    const lat = await get('latency');
    expect(lat.analytical.latencyPs).toBeLessThanOrEqual(edp.analytical.latencyPs);
  });
  test('--strategy standalone runs end to end', async () => {
    const r = await cli('run', ...smallRun, '--strategy', 'standalone');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).strategy).toBe('standalone');
  });
  test('reproduce: an unknown paper or grid is a usage error (exit 2, one line)', async () => {
    for (const argv of [['reproduce', 'simba'], ['reproduce', 'scar', '--grid', '4x4'], ['reproduce', 'scar', '--mapping', 'maestro']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^mcmsim: error: .*\n$/);
    }
  });
  test('compare --mapping: a template of another dataflow is refused before anything runs (exit 2, one line naming file and field)', async () => {
    const r = await cli('compare', '--mapping', 'maestro:eyeriss', '--scenarios', 'models/scenarios/scar1_dc_lms.json', '--packages', 'models/packages/scar_dc_simba_nvd_3x3.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mcmsim: error: .*scar_dc_simba_nvd_3x3\.json: kinds\.ws\.mapping: "maestro:eyeriss" is a template of dataflow "rs", but kind "ws" has dataflow "ws"\n$/);
  });
});
