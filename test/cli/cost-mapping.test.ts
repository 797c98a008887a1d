/**
 * `mcmsim cost --mapping maestro:TEMPLATE`: the command contract end to end, with the figures
 * MAESTRO itself printed for the same layer and hardware (test/fixtures/maestro/maestro.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { cli } from './incli';

const ROOT = path.resolve(__dirname, '../..');
const fixture = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/maestro/maestro.json'), 'utf8')) as {
  runs: { id: string; template: string; hw: string; runtime: number; macs: number; input: { l2: { reads: number } }; output: { l2: { writes: number } } }[];
};
const run = (id: string, template: string, hw: string) => fixture.runs.find((r) => r.id === id && r.template === template && r.hw === hw)!;
const BERT_Q = path.join(ROOT, 'models/workloads/bert_base.json') + '#enc0.q';
const R50_L2 = path.join(ROOT, 'models/workloads/resnet50.json') + '#layer2.0.conv2';

describe('cost --mapping maestro:TEMPLATE', () => {
  test('--json: MAESTRO\'s runtime, MACs and accesses for the same layer and hardware; --dataflow implied', async () => {
    // p256_tight: 256 PEs, NoC 16 elements/cycle, off-chip 4, hop latency 1.
    const r = await cli('cost', '--layer', BERT_Q, '--mapping', 'maestro:nvdla', '--pes', '256', '--noc-bw', '16', '--offchip-bw', '4', '--noc-hop-latency', '1', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const m = run('bert_q', 'nvdla', 'p256_tight');
    expect(j.latencyCycles).toBe(m.runtime);
    expect(j.macs).toBe(128 * 768 * 768);
    expect(j.maestroMacs).toBeUndefined();
    expect(j.dataflow).toBe('ws');
    expect(j.mappingChoice).toBe('maestro:nvdla');
    expect(j.template).toMatch(/^SpatialMap\(1,1\) K; TemporalMap\(64,64\) C;.*Cluster\(64,P\); SpatialMap\(1,1\) C;/);
    expect(j.accesses.l2.input.reads).toBe(m.input.l2.reads);
    expect(j.accesses.l2.output.writes).toBe(m.output.l2.writes);
    for (const lvl of ['l1', 'l2']) for (const t of ['input', 'weight', 'output']) expect(Object.keys(j.accesses[lvl][t]).sort()).toEqual(['reads', 'writes']);
    expect(j.bound).toBe('offchip');
  });

  test('stride 2 on shidiannao: macs is the layer\'s, maestroMacs MAESTRO\'s inflated count', async () => {
    const j = JSON.parse((await cli('cost', '--layer', R50_L2, '--mapping', 'maestro:shidiannao', '--pes', '4096', '--noc-bw', '100000', '--offchip-bw', '100000', '--json')).out);
    const m = run('r50_l2_0_c2', 'shidiannao', 'p4096_free');
    expect(j.latencyCycles).toBe(m.runtime);
    expect(j.macs).toBe(128 * 128 * 9 * 28 * 28);
    expect(j.maestroMacs).toBe(m.macs);
    expect(j.maestroMacs).toBeGreaterThan(1.5 * j.macs);
  });

  test('defaults come from the package\'s kind and DRAM: PEs, NoC one element per PE, one DRAM channel, hop 1', async () => {
    // het_3x3: 32x32 PEs at 500 MHz, 64 GB/s channels, int8: 128 elements/cycle off chip.
    const j = JSON.parse((await cli('cost', '--layer', BERT_Q, '--mapping', 'maestro:eyeriss', '--json')).out);
    expect([j.pes, j.nocBwElemsPerCycle, j.offchipBwElemsPerCycle, j.nocHopLatencyCycles]).toEqual([1024, 1024, 128, 1]);
    expect(j.dataflow).toBe('rs');
    const same = JSON.parse((await cli('cost', '--layer', BERT_Q, '--mapping', 'maestro:eyeriss', '--pes', '1024', '--noc-bw', '1024', '--offchip-bw', '128', '--noc-hop-latency', '1', '--json')).out);
    expect(same.latencyCycles).toBe(j.latencyCycles);
    // The text report names the template and the bound.
    const text = (await cli('cost', '--layer', BERT_Q, '--mapping', 'maestro:eyeriss')).out;
    expect(text).toContain('directives: SpatialMap(1,1) Y\'');
    expect(text).toMatch(/latency \(cycles\)\s+\d+/);
  });

  test('--mapping search keeps today\'s report (and still needs --dataflow)', async () => {
    const layer = JSON.stringify({ op: 'conv2d', inChannels: 16, inHeight: 16, inWidth: 16, outChannels: 32, kernel: 3, pad: 1 });
    const j = JSON.parse((await cli('cost', '--layer', layer, '--mapping', 'search', '--dataflow', 'ws', '--array', '8x8', '--json')).out);
    expect(j.mappingChoice).toBe('search');
    expect(j.computeCycles).toBe(2 * (72 * 128 + 14));
    expect((await cli('cost', '--layer', layer)).code).toBe(2);
  });

  test('bad flag values: one line naming the flag, exit 2', async () => {
    const layer = JSON.stringify({ op: 'fc', inFeatures: 8, outFeatures: 8 });
    const bad: [string[], RegExp][] = [
      [['--mapping', 'maestro:tpu'], /mapping.*maestro:tpu/],
      [['--mapping', 'maestro:nvdla', '--noc-bw', '0'], /--noc-bw: expected an integer/],
      [['--mapping', 'maestro:nvdla', '--offchip-bw', '1.5'], /--offchip-bw: expected an integer/],
      [['--mapping', 'maestro:nvdla', '--noc-hop-latency', '-1'], /--noc-hop-latency: expected an integer/],
      [['--mapping', 'maestro:nvdla', '--pes', 'many'], /--pes: expected an integer/],
      [['--mapping', 'maestro:nvdla', '--dataflow', 'os'], /--dataflow: os does not match maestro:nvdla/],
      [['--mapping', 'maestro:nvdla', '--array', '8x8'], /--array/],
      [['--mapping', 'search', '--dataflow', 'ws', '--noc-bw', '8'], /--noc-bw: applies to a maestro template only/],
    ];
    for (const [flags, msg] of bad) {
      const r = await cli('cost', '--layer', layer, ...flags);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const pool = JSON.stringify({ op: 'pool', channels: 8, inHeight: 8, inWidth: 8, kernel: 2, stride: 2 });
    const r = await cli('cost', '--layer', pool, '--mapping', 'maestro:shidiannao');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MAC layers; pool is a vector layer/);
  });

  test('the real process: exit 2, one line, no stack trace', () => {
    const p = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'sim/cli/main.ts'), 'cost', '--layer', BERT_Q, '--mapping', 'maestro:nvdla', '--noc-bw', '-3'], { encoding: 'utf8' });
    expect(p.status).toBe(2);
    expect(p.stderr).toBe('mcmsim: error: --noc-bw: expected an integer from 1 to 2147483647, got -3\n');
  });
});
