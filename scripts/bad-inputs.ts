/**
 * A corpus of bad inputs, as a new user makes them (typos, wrong units, wrong files, extreme
 * values, broken files, repeated flags, Ctrl-C), run through the real CLI one process each.
 *
 *   npx ts-node --transpile-only scripts/bad-inputs.ts [--root DIR] [--only ID] [--json]
 *
 * --root runs another checkout's CLI (e.g. an older commit unpacked with `git archive`) to
 * compare. A case is handled cleanly when the CLI exits with code 2 and prints exactly one line
 * `mcmsim: error: ...` (printable, no stack trace, naming the file or flag the case expects),
 * within 60 s and 2 GB, leaving no output or temporary file behind. Cases that are valid input
 * (a UTF-8 byte-order mark) must succeed instead. Import cases need `mcmsim import`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import * as protobuf from 'protobufjs';

const HERE = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const ROOT = path.resolve(flag('--root') ?? HERE);
const ONLY = flag('--only');
const SMALL = path.join(HERE, 'test/golden/small');
const TIMEOUT_MS = 60_000;

type Json = Record<string, unknown>;
type Files = Record<string, string | Buffer>;

interface Case {
  id: string;
  what: string;
  /** Files to write into the case folder (the small golden inputs are always there). */
  files?: (base: Base) => Files;
  /** CLI arguments; `@name` is a file of the case folder. */
  args: string[];
  /** The error line must contain each of these (file or flag names); `@name` as in args. */
  mention?: string[];
  /** Valid input: must succeed. */
  ok?: boolean;
  /** Needs `mcmsim import` (absent from older checkouts). */
  import?: boolean;
  /** Send SIGINT once a temporary file appears. */
  interrupt?: boolean;
}

interface Base {
  cnn: Json;
  pkg: Json;
  scenario: Json;
  schedule: Json;
}

const read = (f: string) => JSON.parse(fs.readFileSync(path.join(SMALL, f), 'utf8')) as Json;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const S = (x: unknown) => JSON.stringify(x, null, 1);

/** The small golden workload with one layer changed. */
function cnnWith(b: Base, i: number, change: Json): string {
  const w = clone(b.cnn);
  const layers = w.layers as Json[];
  layers[i] = { ...layers[i], ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete layers[i][k];
  return S(w);
}
function pkgWith(b: Base, mutate: (p: Json) => void): string {
  const p = clone(b.pkg);
  mutate(p);
  return S(p);
}
const kind = (p: Json) => (p.kinds as Record<string, Json>).ws;
const nop = (p: Json) => p.nop as Json;
const dram = (p: Json) => p.dram as Json;
function scenarioWith(b: Base, change: Json): string {
  const s = clone(b.scenario);
  (s.models as Json[])[0] = { ...(s.models as Json[])[0], ...change };
  return S(s);
}
function scheduleWith(b: Base, mutate: (s: Json) => void): string {
  const s = clone(b.schedule);
  mutate(s);
  return S(s);
}

const RUN = ['run', '--scenario', '@scenario.json', '--package', '@package.json', '--no-trace', '--quiet'];
const SIM = ['simulate', '--schedule', '@schedule.json', '--quiet'];
const onW = (what: string, id: string, change: Json | ((b: Base) => string), mention = ['cnn.json']): Case => ({
  id, what, files: (b) => ({ 'cnn.json': typeof change === 'function' ? change(b) : cnnWith(b, 0, change) }), args: RUN, mention,
});
const onP = (what: string, id: string, mutate: (p: Json) => void, mention = ['package.json']): Case => ({
  id, what, files: (b) => ({ 'package.json': pkgWith(b, mutate) }), args: RUN, mention,
});
const onS = (what: string, id: string, change: Json, mention = ['scenario.json']): Case => ({
  id, what, files: (b) => ({ 'scenario.json': scenarioWith(b, change) }), args: RUN, mention,
});
const onSch = (what: string, id: string, mutate: (s: Json) => void, mention = ['schedule.json']): Case => ({
  id, what, files: (b) => ({ 'schedule.json': scheduleWith(b, mutate) }), args: SIM, mention,
});
const raw = (what: string, id: string, text: string | Buffer, mention = ['cnn.json']): Case => ({ id, what, files: () => ({ 'cnn.json': text }), args: RUN, mention });

/** A hand-written workload file, several lines, with `layer` as its only layer. */
const pretty = (layer: string) => `{\n  "schema": "mcmsim/workload@1",\n  "name": "cnn",\n  "layers": [\n    ${layer}  ]\n}\n`;

function bigWorkload(layers: number): string {
  const head = '{"schema":"mcmsim/workload@1","name":"cnn","layers":[\n';
  const l = (i: number) => `{"name":"l${i}","op":"conv2d","inChannels":16,"inHeight":8,"inWidth":8,"outChannels":16,"kernel":3,"pad":1}`;
  const parts: string[] = [];
  for (let i = 0; i < layers; i++) parts.push(l(i));
  return head + parts.join(',\n') + ']}\n';
}

function onnxModel(nodes: { op: string; in: string[]; out: string[]; name: string }[], inputs: [string, (number | string)[]][], inits: [string, number[]][]): Buffer {
  const root = protobuf.parse(fs.readFileSync(path.join(HERE, 'sim/input/onnx/onnx_subset.proto'), 'utf8'), { keepCase: true }).root;
  const M = root.lookupType('onnx.ModelProto');
  const vi = (name: string, dims: (number | string)[]) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } });
  return Buffer.from(M.encode(M.fromObject({
    ir_version: 8, opset_import: [{ domain: '', version: 13 }],
    graph: {
      node: nodes.map((n) => ({ op_type: n.op, input: n.in, output: n.out, name: n.name })),
      input: inputs.map(([n, d]) => vi(n, d)), output: [vi(nodes[nodes.length - 1].out[0], [])],
      initializer: inits.map(([name, dims]) => ({ name, dims, data_type: 1 })),
    },
  })).finish());
}

const CASES: Case[] = [
  // --- broken files
  raw('truncated JSON', 'json-truncated', '{"schema": "mcmsim/workload@1", "name": "cnn", "layers": ['),
  raw('trailing comma', 'json-trailing-comma', pretty('{"name": "a", "op": "eltwise", "elements": 4},\n')),
  raw('NaN literal', 'json-nan', pretty('{"name": "a", "op": "eltwise", "elements": NaN}\n')),
  raw('Infinity literal', 'json-infinity', pretty('{"name": "a", "op": "eltwise", "elements": Infinity}\n')),
  raw('comment in JSON', 'json-comment', pretty('// the first layer\n{"name": "a", "op": "eltwise", "elements": 4}\n')),
  raw('single quotes', 'json-single-quotes', pretty("{'name': 'a', 'op': 'eltwise', 'elements': 4}\n")),
  raw('empty file', 'json-empty', ''),
  raw('binary garbage', 'json-binary', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256))),
  raw('a PNG file', 'json-png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])),
  raw('UTF-16 text', 'json-utf16', Buffer.from('\ufeff{"schema": "mcmsim/workload@1"}', 'utf16le')),
  raw('latin-1 bytes in a name', 'json-latin1', Buffer.concat([Buffer.from('{"schema": "mcmsim/workload@1", "name": "caf'), Buffer.from([0xe9]), Buffer.from('", "layers": 1}')])),
  raw('top-level array', 'json-array', '[1, 2, 3]'),
  raw('top-level number', 'json-number', '42'),
  raw('deeply nested arrays', 'json-deep', '['.repeat(200000) + ']'.repeat(200000)),
  { id: 'json-bom', what: 'UTF-8 byte-order mark (valid)', files: () => ({ 'cnn.json': '\ufeff' + fs.readFileSync(path.join(SMALL, 'cnn.json'), 'utf8') }), args: RUN, ok: true },
  raw('a folder instead of a file', 'file-folder', ''),
  // --- workload structure
  onW('missing schema', 'w-no-schema', (b) => S({ ...b.cnn, schema: undefined })),
  onW('schema version 2', 'w-schema-v2', (b) => S({ ...b.cnn, schema: 'mcmsim/workload@2' })),
  onW('a package given as workload', 'w-is-package', (b) => S(b.pkg)),
  onW('no layers', 'w-no-layers', (b) => S({ ...b.cnn, layers: [] })),
  onW('layers is an object', 'w-layers-object', (b) => S({ ...b.cnn, layers: {} })),
  onW('layer is a string', 'w-layer-string', (b) => S({ ...b.cnn, layers: ['conv'] })),
  onW('unknown op', 'w-unknown-op', { op: 'convolution' }),
  onW('missing op', 'w-missing-op', { op: undefined }),
  onW('typo in a field', 'w-typo', { strides: 2 }),
  onW('field of another op', 'w-other-op-field', { tokens: 4 }),
  onW('outChannels 1e308', 'w-outch-huge', { outChannels: 1e308 }),
  onW('outChannels -1', 'w-outch-negative', { outChannels: -1 }),
  onW('outChannels 1.5', 'w-outch-fraction', { outChannels: 1.5 }),
  onW('outChannels as a string', 'w-outch-string', { outChannels: '32' }),
  onW('outChannels null', 'w-outch-null', { outChannels: null }),
  onW('kernel larger than the input', 'w-kernel-big', { kernel: 99 }),
  onW('kernel with three numbers', 'w-kernel-3', { kernel: [3, 3, 3] }),
  onW('stride 0', 'w-stride-0', { stride: 0 }),
  onW('negative pad', 'w-pad-negative', { pad: -1 }),
  onW('inHeight 1e9', 'w-inheight-huge', { inHeight: 1e9, inWidth: 1e9 }),
  onW('groups not dividing channels', 'w-groups', { groups: 5 }),
  onW('a layer of 1e20 MACs', 'w-macs-huge', { inChannels: 1000000, outChannels: 1000000, inHeight: 60000, inWidth: 60000 }),
  onW('duplicate layer name', 'w-dup-name', (b) => cnnWith(b, 1, { name: 'c1' })),
  onW('slash in a layer name', 'w-slash', { name: 'a/b' }),
  onW('input naming a missing layer', 'w-input-missing', (b) => cnnWith(b, 1, { inputs: ['nope'] })),
  onW('input naming a later layer', 'w-input-later', (b) => cnnWith(b, 1, { inputs: ['pw'] })),
  onW('FC of 1000 inputs fed by a 64-value pool', 'w-fc-size', (b) => cnnWith(b, 5, { inFeatures: 1000 })),
  onW('conv reading more channels than produced', 'w-conv-size', (b) => cnnWith(b, 2, { inChannels: 320 })),
  onW('tokens 1e308', 'w-tokens-huge', (b) => cnnWith(b, 5, { tokens: 1e308 })),
  onW('eltwise of 1e20 elements', 'w-elements-huge', (b) => cnnWith(b, 3, { elements: 1e20 })),
  { id: 'w-200mb', what: 'a 100 MB workload', files: () => ({ 'cnn.json': bigWorkload(800_000) }), args: RUN, mention: ['cnn.json'] },
  onW('empty name', 'w-empty-name', { name: '' }),
  // --- scenario
  onS('missing workload file', 's-missing-workload', { workload: 'nope.json' }),
  onS('batch 0', 's-batch-0', { batch: 0 }),
  onS('batch 1e308', 's-batch-huge', { batch: 1e308 }),
  onS('batch 1.5', 's-batch-fraction', { batch: 1.5 }),
  onS('batch as a string', 's-batch-string', { batch: '3' }),
  onS('negative priority', 's-priority', { priority: -1 }),
  onS('fps 1e308', 's-fps-huge', { fps: 1e308 }),
  onS('typo bacth', 's-typo', { bacth: 3 }),
  onS('slash in a model name', 's-slash', { name: 'a/b' }),
  { id: 's-no-models', what: 'no models', files: (b) => ({ 'scenario.json': S({ ...b.scenario, models: [] }) }), args: RUN, mention: ['scenario.json'] },
  { id: 's-dup-names', what: 'the same workload twice without names', files: (b) => ({ 'scenario.json': S({ ...b.scenario, models: [{ workload: 'cnn.json', batch: 1 }, { workload: 'cnn.json', batch: 2 }] }) }), args: RUN, mention: ['scenario.json'] },
  { id: 's-10000-models', what: '10,000 models', files: (b) => ({ 'scenario.json': S({ ...b.scenario, models: Array.from({ length: 10000 }, (_, i) => ({ workload: 'cnn.json', batch: 1, name: `m${i}` })) }) }), args: RUN, mention: ['scenario.json'] },
  { id: 's-is-package', what: 'a package passed as --scenario', args: ['run', '--scenario', '@package.json', '--package', '@package.json', '--no-trace', '--quiet'], mention: ['package.json', 'package'] },
  { id: 's-workload-folder', what: 'workload path is a folder', files: (b) => ({ 'scenario.json': scenarioWith(b, { workload: '.' }) }), args: RUN, mention: ['scenario.json'] },
  // --- package
  onP('peRows 1e308', 'p-perows-huge', (p) => (kind(p).peRows = 1e308)),
  onP('peRows 0', 'p-perows-0', (p) => (kind(p).peRows = 0)),
  onP('bufferBytes 10', 'p-buffer-tiny', (p) => (kind(p).bufferBytes = 10)),
  onP('bufferBytes 1e308', 'p-buffer-huge', (p) => (kind(p).bufferBytes = 1e308)),
  onP('clockMHz 0', 'p-clock-0', (p) => (kind(p).clockMHz = 0)),
  onP('clock in Hz (5e8)', 'p-clock-hz', (p) => (kind(p).clockMHz = 5e8)),
  onP('negative MAC energy', 'p-energy-negative', (p) => (kind(p).macEnergyPj = -1)),
  onP('MAC energy 1e308', 'p-energy-huge', (p) => (kind(p).macEnergyPj = 1e308)),
  onP('static power 1e308', 'p-static-huge', (p) => (kind(p).staticPowerMw = 1e308)),
  onP('hop latency 1e308', 'p-hop-huge', (p) => (nop(p).hopLatencyNs = 1e308)),
  onP('link bandwidth 1e-300', 'p-link-tiny', (p) => (nop(p).linkBandwidthGBps = 1e-300)),
  onP('link bandwidth 0', 'p-link-0', (p) => (nop(p).linkBandwidthGBps = 0)),
  onP('DRAM bandwidth 1e-300', 'p-dram-tiny', (p) => (dram(p).channelBandwidthGBps = 1e-300)),
  onP('DRAM latency 1e308', 'p-dram-latency-huge', (p) => (dram(p).latencyNs = 1e308)),
  onP('packetBytes 1', 'p-packet-1', (p) => (nop(p).packetBytes = 1)),
  onP('packetBytes 1e12', 'p-packet-huge', (p) => (nop(p).packetBytes = 1e12)),
  onP('elementBytes 0', 'p-element-0', (p) => (p.elementBytes = 0)),
  onP('ragged grid', 'p-ragged', (p) => (p.grid = [['ws', 'os'], ['ws']])),
  onP('unknown kind in the grid', 'p-grid-kind', (p) => (p.grid = [['ws', 'xx']])),
  onP('no kinds', 'p-no-kinds', (p) => (p.kinds = {})),
  onP('DRAM channel off the grid', 'p-channel-off', (p) => (dram(p).channels = [[5, 0]])),
  onP('DRAM channel at -1', 'p-channel-negative', (p) => (dram(p).channels = [[-1, 0]])),
  onP('no DRAM channels', 'p-no-channels', (p) => (dram(p).channels = [])),
  onP('a 1000x1000 grid', 'p-grid-1000', (p) => (p.grid = Array.from({ length: 1000 }, () => new Array(1000).fill('ws')))),
  onP('a 100x100 grid', 'p-grid-100', (p) => (p.grid = Array.from({ length: 100 }, () => new Array(100).fill('ws')))),
  { id: 'p-is-scenario', what: 'a scenario passed as --package', args: ['run', '--scenario', '@scenario.json', '--package', '@scenario.json', '--no-trace', '--quiet'], mention: ['scenario.json', 'scenario'] },
  // --- schedule
  onSch('unknown chiplet', 'sch-chiplet', (s) => ((s.jobs as Json[])[0].chiplet = 'c9_9')),
  onSch('unknown layer', 'sch-layer', (s) => ((s.jobs as Json[])[0].layer = 'cnn/nope')),
  onSch('layer without model', 'sch-layer-form', (s) => ((s.jobs as Json[])[0].layer = 'c1')),
  onSch('reversed sample range', 'sch-samples', (s) => ((s.jobs as Json[])[0].samples = [2, 0])),
  onSch('samples beyond the batch', 'sch-samples-big', (s) => ((s.jobs as Json[])[0].samples = [0, 99])),
  onSch('window -1', 'sch-window', (s) => ((s.jobs as Json[])[0].window = -1)),
  onSch('window 1e308', 'sch-window-huge', (s) => ((s.jobs as Json[])[0].window = 1e308)),
  onSch('missing scenario file', 'sch-scenario', (s) => (s.scenario = 'nope.json')),
  onSch('no jobs', 'sch-no-jobs', (s) => (s.jobs = [])),
  onSch('consumer before its producer', 'sch-order', (s) => (s.jobs = [...(s.jobs as Json[])].reverse())),
  // --- command line
  { id: 'cli-trace-twice', what: '--trace a --trace b', args: ['run', '--scenario', '@scenario.json', '--package', '@package.json', '--trace', '@a.pftrace', '--trace', '@b.pftrace', '--quiet'], mention: ['--trace'] },
  { id: 'cli-no-trace-trace', what: '--no-trace --trace x', args: ['run', '--scenario', '@scenario.json', '--package', '@package.json', '--no-trace', '--trace', '@x.pftrace', '--quiet'], mention: ['trace'] },
  { id: 'cli-out-twice', what: '--out a --out b', args: ['schedule', '--scenario', '@scenario.json', '--package', '@package.json', '--out', '@a.json', '--out', '@b.json', '--quiet'], mention: ['--out'] },
  { id: 'cli-scenario-twice', what: '--scenario twice', args: ['run', '--scenario', '@scenario.json', '--scenario', '@scenario.json', '--package', '@package.json', '--no-trace', '--quiet'], mention: ['--scenario'] },
  { id: 'cli-strategy', what: '--strategy magic', args: ['run', '--strategy', 'magic'], mention: ['strategy'] },
  { id: 'cli-windows-0', what: '--windows 0', args: [...RUN, '--windows', '0'], mention: ['--windows'] },
  { id: 'cli-windows-text', what: '--windows five', args: [...RUN, '--windows', 'five'], mention: ['--windows'] },
  { id: 'cli-generations-huge', what: '--generations 1e12', args: [...RUN, '--search', 'evolutionary', '--generations', '1e12'], mention: ['--generations'] },
  { id: 'cli-unknown-command', what: 'unknown command', args: ['simulat', '--schedule', '@schedule.json'] },
  { id: 'cli-unknown-flag', what: 'misspelt flag', args: ['run', '--scenaro', '@scenario.json'], mention: ['scenaro'] },
  { id: 'cli-out-parent-file', what: '--out under a file', files: () => ({ 'afile': 'x' }), args: ['schedule', '--scenario', '@scenario.json', '--package', '@package.json', '--out', '@afile/s.json', '--quiet'], mention: ['afile/s.json'] },
  { id: 'cli-out-folder', what: '--out is a folder', files: () => ({ 'adir/keep': 'x' }), args: ['schedule', '--scenario', '@scenario.json', '--package', '@package.json', '--out', '@adir', '--quiet'], mention: ['adir'] },
  { id: 'cli-trace-parent-file', what: '--trace under a file', files: () => ({ 'afile': 'x' }), args: ['run', '--scenario', '@scenario.json', '--package', '@package.json', '--trace', '@afile/t.pftrace', '--quiet'], mention: ['afile'] },
  { id: 'cli-scenario-empty', what: "--scenario ''", args: ['run', '--scenario', '', '--package', '@package.json', '--no-trace', '--quiet'], mention: ['--scenario'] },
  { id: 'cli-trace-empty', what: "--trace '' (no file, not \"no trace\")", args: ['run', '--scenario', '@scenario.json', '--package', '@package.json', '--trace', '', '--quiet'], mention: ['--trace'] },
  { id: 'cli-html-no-value', what: '--html with no file after it', args: ['validate', '--scenario', '@scenario.json', '--package', '@package.json', '--quiet', '--html'], mention: ['--html'] },
  { id: 'cli-empty-out', what: "schedule --out ''", args: ['schedule', '--scenario', '@scenario.json', '--package', '@package.json', '--out', '', '--quiet'], mention: ['--out'] },
  { id: 'cli-cost-layer', what: 'cost --layer malformed', args: ['cost', '--layer', '{"op":"conv2d"', '--dataflow', 'ws'], mention: ['--layer'] },
  { id: 'cli-cost-array', what: 'cost --array 0x0', args: ['cost', '--layer', '{"op":"eltwise","elements":4}', '--dataflow', 'ws', '--array', '0x0'], mention: ['--array'] },
  { id: 'cli-cost-samples', what: 'cost --samples 1e308', args: ['cost', '--layer', '{"op":"eltwise","elements":4}', '--dataflow', 'ws', '--samples', '1e308'], mention: ['--samples'] },
  { id: 'cli-cost-pes', what: 'cost --pes 1e12', args: ['cost', '--layer', '{"op":"eltwise","elements":4}', '--dataflow', 'ws', '--pes', '1e12'], mention: ['--pes'] },
  { id: 'cli-sigint', what: 'Ctrl-C while writing a trace', interrupt: true, args: ['run', '--trace', '@t.pftrace', '--trace-packets', '--quiet'] },
  // --- ONNX import
  { id: 'onnx-garbage', what: 'random bytes as a model', import: true, files: () => ({ 'm.onnx': Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 31 + 7) % 256)) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json'], mention: ['m.onnx'] },
  { id: 'onnx-json', what: 'a JSON workload as the model', import: true, args: ['import', 'onnx', '@cnn.json', '--out', '@w.json'], mention: ['cnn.json'] },
  { id: 'onnx-truncated', what: 'a truncated model', import: true, files: () => ({ 'm.onnx': fs.readFileSync(path.join(HERE, 'test/fixtures/onnx/resnet50.onnx')).subarray(0, 9000) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json'], mention: ['m.onnx'] },
  { id: 'onnx-empty', what: 'an empty .onnx', import: true, files: () => ({ 'm.onnx': '' }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json'], mention: ['m.onnx'] },
  { id: 'onnx-missing', what: 'a missing model', import: true, args: ['import', 'onnx', '@nope.onnx', '--out', '@w.json'], mention: ['nope.onnx'] },
  { id: 'onnx-seq', what: 'symbolic sequence length not given', import: true, files: () => ({ 'm.onnx': fs.readFileSync(path.join(HERE, 'test/fixtures/onnx/bert_encoder.onnx')) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json'], mention: ['m.onnx', 'seq-len'] },
  { id: 'onnx-input-syntax', what: '--input 1,3,224,224', import: true, files: () => ({ 'm.onnx': fs.readFileSync(path.join(HERE, 'test/fixtures/onnx/resnet50.onnx')) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json', '--input', '1,3,224,224'], mention: ['--input'] },
  { id: 'onnx-input-name', what: '--input with a wrong name', import: true, files: () => ({ 'm.onnx': fs.readFileSync(path.join(HERE, 'test/fixtures/onnx/resnet50.onnx')) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json', '--input', 'image=1x3x224x224'], mention: ['image'] },
  { id: 'onnx-batch-0', what: '--batch 0', import: true, files: () => ({ 'm.onnx': fs.readFileSync(path.join(HERE, 'test/fixtures/onnx/resnet50.onnx')) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json', '--batch', '0'], mention: ['--batch'] },
  { id: 'onnx-no-out', what: 'no --out', import: true, files: () => ({ 'm.onnx': fs.readFileSync(path.join(HERE, 'test/fixtures/onnx/resnet50.onnx')) }), args: ['import', 'onnx', '@m.onnx'], mention: ['out'] },
  { id: 'onnx-unsupported', what: 'unsupported operators', import: true, files: () => ({ 'm.onnx': onnxModel([{ op: 'Conv', in: ['x', 'w'], out: ['a'], name: 'c' }, { op: 'LSTM', in: ['a'], out: ['b'], name: 'lstm1' }], [['x', [1, 8, 8, 8]]], [['w', [8, 8, 1, 1]]]) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json'], mention: ['LSTM x1 (lstm1)'] },
  { id: 'onnx-shape', what: 'a conv whose weight does not fit its input', import: true, files: () => ({ 'm.onnx': onnxModel([{ op: 'Conv', in: ['x', 'w'], out: ['a'], name: 'c' }], [['x', [1, 8, 8, 8]]], [['w', [8, 3, 1, 1]]]) }), args: ['import', 'onnx', '@m.onnx', '--out', '@w.json'], mention: ['m.onnx', 'node "c"'] },
];

interface Outcome {
  id: string;
  what: string;
  clean: boolean;
  why: string;
  line: string;
}

async function runCase(c: Case, base: Base): Promise<Outcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mcmsim-bad-${c.id}-`));
  for (const f of ['cnn.json', 'attn.json', 'scenario.json', 'package.json', 'schedule.json']) fs.copyFileSync(path.join(SMALL, f), path.join(dir, f));
  for (const [name, content] of Object.entries(c.files?.(base) ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  if (c.id === 'file-folder') {
    fs.rmSync(path.join(dir, 'cnn.json'));
    fs.mkdirSync(path.join(dir, 'cnn.json'));
  }
  const before = new Set(listAll(dir));
  const at = (s: string) => (s.startsWith('@') ? path.join(dir, s.slice(1)) : s);
  const args = c.args.map(at);
  const tsNode = require.resolve('ts-node/dist/bin.js', { paths: [ROOT] });
  const child = spawn(process.execPath, ['--max-old-space-size=2048', tsNode, '--transpile-only', path.join(ROOT, 'sim/cli/main.ts'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, TIMEOUT_MS);
  let poll: NodeJS.Timeout | undefined;
  if (c.interrupt) {
    poll = setInterval(() => {
      if (listAll(dir).some((f) => f.endsWith('.tmp'))) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 100);
  }
  const code = await new Promise<number | null>((resolve) => child.on('close', (cd) => resolve(cd)));
  clearTimeout(timer);
  if (poll) clearInterval(poll);
  // A helper process may still be deleting temporary files: give it a moment.
  for (let i = 0; i < 20 && listAll(dir).some((f) => f.endsWith('.tmp')); i++) await new Promise((r) => setTimeout(r, 100));
  const after = listAll(dir).filter((f) => !before.has(f));
  const lines = err.split('\n').filter((l) => l.length > 0);
  const line = (lines[0] ?? '').slice(0, 220);
  const res = (clean: boolean, why: string): Outcome => ({ id: c.id, what: c.what, clean, why, line });
  fs.rmSync(dir, { recursive: true, force: true });
  if (timedOut) return res(false, `no answer within ${TIMEOUT_MS / 1000} s`);
  if (c.interrupt) {
    const left = after.filter((f) => f.endsWith('.tmp'));
    return left.length ? res(false, `left ${left.join(', ')}`) : res(true, 'no temporary file left');
  }
  if (c.ok) return code === 0 ? res(true, 'accepted') : res(false, `exit ${code}`);
  if (code !== 2) return res(false, `exit ${code}`);
  if (lines.length !== 1) return res(false, `${lines.length} lines on stderr`);
  if (!lines[0].startsWith('mcmsim: error: ')) return res(false, 'not an error line');
  if (/internal error|\bat .*\.ts:\d+/.test(lines[0])) return res(false, 'internal error');
  if (/[^\x20-\x7e]/.test(lines[0])) return res(false, 'unprintable characters');
  const missing = (c.mention ?? []).map((m) => (m.startsWith('@') ? at(m) : m)).filter((m) => !lines[0].includes(m));
  if (missing.length) return res(false, `does not name ${missing.join(', ')}`);
  if (after.length) return res(false, `left ${after.join(', ')}`);
  return res(true, 'one clear line');
}

function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  try {
    walk(dir, '');
  } catch {
    // the folder is being cleaned up
  }
  return out;
}

async function main(): Promise<void> {
  const base: Base = { cnn: read('cnn.json'), pkg: read('package.json'), scenario: read('scenario.json'), schedule: read('schedule.json') };
  const hasImport = fs.existsSync(path.join(ROOT, 'sim/input/onnx'));
  const cases = CASES.filter((c) => (!ONLY || c.id === ONLY) && (hasImport || !c.import));
  const results: Outcome[] = [];
  for (const [i, c] of cases.entries()) {
    const r = await runCase(c, base);
    results.push(r);
    process.stderr.write(`${i + 1}/${cases.length} ${r.clean ? 'clean' : 'NOT CLEAN'} ${c.id}: ${r.why}\n`);
  }
  if (argv.includes('--json')) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    return;
  }
  for (const r of results) process.stdout.write(`${r.clean ? 'ok ' : 'BAD'} ${r.id.padEnd(22)} ${r.why.padEnd(28)} ${r.line}\n`);
  const n = (f: (r: Outcome) => boolean) => results.filter(f).length;
  process.stdout.write(`\n${n((r) => r.clean)} of ${results.length} handled cleanly (${ROOT === HERE ? 'this checkout' : ROOT}); import cases: ${n((r) => r.clean && r.id.startsWith('onnx'))} of ${n((r) => r.id.startsWith('onnx'))}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
