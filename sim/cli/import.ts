/**
 * `mcmsim import onnx MODEL.onnx --out WORKLOAD.json`: converts an ONNX model into a workload
 * file (sim/input/onnx/import.ts does the work; this file parses the flags and prints).
 */
import * as path from 'path';
import { Argv } from 'yargs';
import { importOnnx } from '../input/onnx/import';
import { InputError } from '../input/errors';
import { writeFileAtomic } from '../output/atomic';

export interface ImportArgs {
  format: string;
  model: string;
  out: string;
  scenarioOut?: string;
  name?: string;
  batch?: number;
  seqLen?: number;
  input?: string[];
  skipUnsupported: boolean;
  json: boolean;
  quiet: boolean;
}

export function importOptions(y: Argv): Argv {
  return y
    .positional('format', { choices: ['onnx'], describe: 'model format' })
    .positional('model', { type: 'string', describe: 'model file (.onnx); weights in external files are never read' })
    .option('out', { type: 'string', demandOption: true, describe: 'workload file to write (mcmsim/workload@1)' })
    .option('scenario-out', { type: 'string', describe: 'also write a one-model scenario running the workload with the --batch (default 1)' })
    .option('name', { type: 'string', describe: 'workload name (default: the model file name)' })
    .option('batch', { type: 'number', describe: 'value of a symbolic batch dimension (default 1); the workload is per sample' })
    .option('seq-len', { type: 'number', describe: 'value of every other symbolic dimension (sequence length)' })
    .option('input', { type: 'array', string: true, describe: 'shape of a model input, NAME=1x3x224x224 (repeatable)' })
    .option('skip-unsupported', { type: 'boolean', default: false, describe: 'drop unsupported operators with a warning instead of failing' });
}

function positiveInt(flag: string, v: number | undefined, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new InputError(flag, '', `must be an integer from 1 to ${max}, got ${v}`);
  return v;
}

function parseInputs(list: string[] | undefined): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const item of list ?? []) {
    const m = /^([^=]+)=(\d+(?:x\d+)*)$/.exec(String(item));
    if (!m) throw new InputError('--input', '', `expected NAME=DIMxDIM..., e.g. input=1x3x224x224, got "${String(item).slice(0, 60)}"`);
    if (m[1] in out) throw new InputError('--input', '', `input "${m[1]}" given twice`);
    const dims = m[2].split('x').map(Number);
    if (dims.some((d) => d < 1 || d > 1 << 20)) throw new InputError('--input', '', `dims of "${m[1]}" must be from 1 to ${1 << 20}`);
    out[m[1]] = dims;
  }
  return out;
}

export function cmdImport(args: ImportArgs, out: (text: string) => void, warn: (text: string) => void): void {
  const r = importOnnx(args.model, {
    name: args.name,
    batch: positiveInt('--batch', args.batch, 1 << 16),
    seqLen: positiveInt('--seq-len', args.seqLen, 1 << 20),
    inputs: parseInputs(args.input),
    skipUnsupported: args.skipUnsupported,
    onWarning: (m) => warn(`mcmsim: warning: ${args.model}: ${m}`),
  });
  const j = r.json;
  const head = JSON.stringify({ ...j, layers: [] }, null, 2).replace(/"layers": \[\]\n}$/, '"layers": [\n');
  writeFileAtomic(args.out, head + j.layers.map((l) => '    ' + JSON.stringify(l)).join(',\n') + '\n  ]\n}\n');
  if (args.scenarioOut) {
    const rel = path.relative(path.dirname(path.resolve(args.scenarioOut)), path.resolve(args.out)).split(path.sep).join('/');
    const scenario = { schema: 'mcmsim/scenario@1', name: j.name, models: [{ workload: rel, batch: r.batch }] };
    writeFileAtomic(args.scenarioOut, JSON.stringify(scenario, null, 2) + '\n');
  }
  const summary = {
    workload: args.out, ...(args.scenarioOut ? { scenario: args.scenarioOut } : {}), name: j.name, layers: j.layers.length, batch: r.batch,
    macsPerSample: r.macsPerSample, vectorOpsPerSample: r.vectorOpsPerSample, weightElems: r.weightElems, onnxParams: r.params,
    fusedNodes: r.fusedNodes, zeroCostNodes: r.zeroCostNodes, dropped: r.dropped,
  };
  if (args.json) {
    out(JSON.stringify(summary, null, 2));
    return;
  }
  out(`wrote ${args.out}: workload "${j.name}", ${j.layers.length} layers${args.scenarioOut ? `; ${args.scenarioOut}: a scenario running it with batch ${r.batch}` : ''}`);
  out(`per sample: ${(r.macsPerSample / 1e9).toFixed(3)} GMACs, ${(r.vectorOpsPerSample / 1e6).toFixed(3)} M vector ops, ${(r.weightElems / 1e6).toFixed(3)} M weights (the ONNX file has ${(r.params / 1e6).toFixed(3)} M parameters)`);
  out(`${r.fusedNodes} nodes fused into their producer, ${r.zeroCostNodes} data-movement nodes free${r.dropped.length ? `, ${r.dropped.length} unsupported nodes dropped` : ''}`);
}
