import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadWorkload } from '../../sim/input/workload';
import { loadPackage } from '../../sim/input/package';
import { loadScenario } from '../../sim/input/scenario';
import { lowerSchedule } from '../../sim/cost/program';
import { inputErrorOf, testPackage, testScenario, testSchedule, testWorkload } from '../helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-input-'));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const err = inputErrorOf;
const W = (layers: object[]) => JSON.stringify({ schema: 'mcmsim/workload@1', name: 'w', layers });
const CONV = { name: 'c', op: 'conv2d', inChannels: 8, inHeight: 8, inWidth: 8, outChannels: 8, kernel: 3 };

describe('bad input: one clear error naming the file and the field', () => {
  test('malformed JSON', () => {
    const f = write('bad.json', '{"schema": "mcmsim/workload@1", "name": ');
    const e = err(() => loadWorkload(f));
    expect(e.file).toBe(f);
    expect(e.message).toMatch(/malformed JSON/);
  });
  test('missing file', () => {
    expect(err(() => loadPackage(path.join(dir, 'nope.json'))).detail).toBe('file not found');
  });
  test('unknown field (a typo) is rejected with the allowed list', () => {
    const e = err(() => loadWorkload(write('typo.json', W([{ ...CONV, strid: 2 }]))));
    expect(e.jsonPath).toBe('layers[0].strid');
    expect(e.detail).toMatch(/unknown field/);
  });
  test('wrong schema version', () => {
    const e = err(() => loadWorkload(write('v2.json', JSON.stringify({ schema: 'mcmsim/workload@2', name: 'w', layers: [CONV] }))));
    expect(e.jsonPath).toBe('schema');
  });
  test('impossible shapes', () => {
    expect(err(() => loadWorkload(write('k.json', W([{ ...CONV, kernel: 11 }])))).jsonPath).toBe('layers[0].kernel');
    expect(err(() => loadWorkload(write('g.json', W([{ ...CONV, groups: 3 }])))).jsonPath).toBe('layers[0].groups');
    expect(err(() => loadWorkload(write('n.json', W([{ ...CONV, outChannels: 0 }])))).jsonPath).toBe('layers[0].outChannels');
    expect(err(() => loadWorkload(write('i.json', W([CONV, { ...CONV, name: 'd', inputs: ['zz'] }])))).jsonPath).toBe('layers[1].inputs');
  });
  test('package: ragged grid and a DRAM channel off the grid', () => {
    const base = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../models/packages/het_3x3.json'), 'utf8'));
    const ragged = { ...base, grid: [['ws', 'os'], ['ws']] };
    expect(err(() => loadPackage(write('p1.json', JSON.stringify(ragged)))).jsonPath).toBe('grid[1]');
    const off = { ...base, dram: { ...base.dram, channels: [[5, 0]] } };
    expect(err(() => loadPackage(write('p2.json', JSON.stringify(off)))).jsonPath).toBe('dram.channels[0]');
    const badKind = { ...base, grid: [['ws', 'xx', 'os']] };
    expect(err(() => loadPackage(write('p3.json', JSON.stringify(badKind)))).jsonPath).toBe('grid[0][1]');
  });
  test('scenario: a missing workload file is named by the scenario field', () => {
    const f = write('s.json', JSON.stringify({ schema: 'mcmsim/scenario@1', name: 's', models: [{ workload: 'missing.json', batch: 1 }] }));
    const e = err(() => loadScenario(f));
    expect(e.file).toBe(f);
    expect(e.jsonPath).toBe('models[0].workload');
  });
});

describe('bad schedules', () => {
  const pkg = testPackage({ grid: [['ws', 'ws']] });
  const w = testWorkload('m', [CONV, { ...CONV, name: 'd', inHeight: 6, inWidth: 6 }]);
  const sc = testScenario([{ workload: w, batch: 2 }]);
  test('names a missing chiplet', () => {
    const e = err(() => lowerSchedule(testSchedule([{ layer: 'm/c', chiplet: 'c9_9' }, { layer: 'm/d', chiplet: 'c0_0' }]), sc, pkg));
    expect(e.jsonPath).toBe('jobs[0].chiplet');
    expect(e.detail).toMatch(/no chiplet "c9_9"/);
  });
  test('names a missing layer or model', () => {
    expect(err(() => lowerSchedule(testSchedule([{ layer: 'm/x', chiplet: 'c0_0' }]), sc, pkg)).jsonPath).toBe('jobs[0].layer');
    expect(err(() => lowerSchedule(testSchedule([{ layer: 'q/c', chiplet: 'c0_0' }]), sc, pkg)).jsonPath).toBe('jobs[0].layer');
  });
  test('breaks a dependency: consumer ordered before its producer on one chiplet', () => {
    const e = err(() => lowerSchedule(testSchedule([{ layer: 'm/d', chiplet: 'c0_0' }, { layer: 'm/c', chiplet: 'c0_0' }]), sc, pkg));
    expect(e.detail).toMatch(/dependency is broken/);
  });
  test('breaks a dependency across windows', () => {
    const e = err(() => lowerSchedule(testSchedule([{ layer: 'm/c', chiplet: 'c0_0', window: 1 }, { layer: 'm/d', chiplet: 'c0_1', window: 0 }]), sc, pkg));
    expect(e.jsonPath).toBe('jobs[1].window');
  });
  test('a layer left out, or samples not covered', () => {
    expect(err(() => lowerSchedule(testSchedule([{ layer: 'm/c', chiplet: 'c0_0' }]), sc, pkg)).detail).toMatch(/m\/d is not scheduled/);
    const e = err(() => lowerSchedule(testSchedule([{ layer: 'm/c', chiplet: 'c0_0', samples: [0, 1] }, { layer: 'm/d', chiplet: 'c0_0' }]), sc, pkg));
    expect(e.jsonPath).toBe('jobs[0].samples');
  });
  test('a layer that cannot fit a buffer', () => {
    const tiny = testPackage({ kinds: { ws: { bufferBytes: 256 } } });
    const e = err(() => lowerSchedule(testSchedule([{ layer: 'm/c', chiplet: 'c0_0' }, { layer: 'm/d', chiplet: 'c0_0' }]), sc, tiny));
    expect(e.jsonPath).toBe('jobs[0].chiplet');
    expect(e.detail).toMatch(/cannot run on c0_0/);
  });
});
