/**
 * The compiled CLI (dist/, built by `npm ci` and `npm test`) as a user runs it: README's "bring
 * your own model" two commands, and the run's metadata in the trace. dist/ finds its data files
 * (the ONNX subset schema, package.json) from the repository root, not from its own folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/sim/cli/main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-dist-'));
const node = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp });

test('import onnx, then run the imported model, with the version in the trace', () => {
  const w = path.join(tmp, 'local/r50.json');
  const s = path.join(tmp, 'local/scenario.json');
  const imp = node('import', 'onnx', path.join(ROOT, 'test/fixtures/onnx/resnet50.onnx'), '--out', w, '--scenario-out', s, '--batch', '2', '--quiet');
  expect(imp.stderr).toBe('');
  expect(imp.status).toBe(0);
  // ResNet-50: 4.089 GMACs per sample (published 4.09 G), as the in-process importer gives.
  const layers = JSON.parse(fs.readFileSync(w, 'utf8')).layers as unknown[];
  expect(layers.length).toBe(72);
  const trace = path.join(tmp, 'run.json');
  const run = node('run', '--scenario', s, '--package', path.join(ROOT, 'models/packages/het_3x3.json'), '--no-trace', '--chrome-trace', trace, '--quiet');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  expect(fs.readFileSync(trace, 'utf8')).toContain(`"mcmsim_version":"${version}"`);
}, 60_000);

test('an output folder two levels deep that does not exist is an error, and nothing is created', () => {
  const r = node('run', '--no-trace', '--schedule-out', path.join(tmp, 'no/such/s.json'), '--quiet');
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(`mcmsim: error: --schedule-out ${path.join(tmp, 'no/such/s.json')}: no folder ${path.join(tmp, 'no/such')} (mcmsim makes only a missing last folder level, and ${path.join(tmp, 'no')} does not exist either)\n`);
  expect(fs.existsSync(path.join(tmp, 'no'))).toBe(false);
}, 60_000);

test('run from a folder outside the checkout writes its default trace to traces/out there', () => {
  const here = fs.mkdtempSync(path.join(tmp, 'elsewhere-'));
  const r = spawnSync(process.execPath, [BIN, 'run', '--scenario', path.join(ROOT, 'test/golden/small/scenario.json'), '--package', path.join(ROOT, 'test/golden/small/package.json'), '--quiet'], { encoding: 'utf8', cwd: here });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(fs.statSync(path.join(here, 'traces/out/run.pftrace')).size).toBeGreaterThan(1000);
}, 60_000);

test('queued trace calls do not make the counter windows grow with the run', () => {
  // Packets are counted while the sink's calls wait in a batch; only handling the calls frees
  // windows. The default scenario has thousands of counter windows but fewer calls than one full
  // batch: without the bound on a batch's simulated span the ring held 8192 windows. (Compiled
  // code in a child: the scheduler runs ten times slower under ts-jest.)
  const script = `
    const d = ${JSON.stringify(path.join(ROOT, 'dist/sim'))};
    const { evaluate, loadInputs, makeSchedule } = require(d + '/pipeline');
    const { PerfettoSink } = require(d + '/trace/perfetto');
    const inputs = loadInputs(${JSON.stringify(path.join(ROOT, 'models/scenarios/default.json'))}, ${JSON.stringify(path.join(ROOT, 'models/packages/het_3x3.json'))});
    let sink = null;
    evaluate(makeSchedule(inputs, { strategy: 'scar', seed: '1' }), inputs, () => (sink = new PerfettoSink(${JSON.stringify(path.join(tmp, 'windows.pftrace'))})))
      .then(() => console.log(JSON.stringify(sink.counterWindows)));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const w = JSON.parse(r.stdout) as { peakHeld: number; written: number };
  expect(w.written).toBeGreaterThan(2000);
  expect(w.peakHeld).toBeLessThanOrEqual(1024);
}, 60_000);
