/**
 * The MAESTRO fixture (test/fixtures/maestro): input files for MAESTRO, and its CSV outputs
 * turned into JSON. MAESTRO itself is built and run by hand outside the repository (NOTE.md).
 *
 *   ts-node --transpile-only scripts/maestro-fixture.ts inputs
 *       writes layers/<id>_<template>.m (one layer, the template's directives) and hw/<name>.m
 *       from cases.json
 *   ts-node --transpile-only scripts/maestro-fixture.ts collect OUT_DIR
 *       reads OUT_DIR/<hw>/<id>_<template>.csv (MAESTRO's --print_res_csv_file output; a run
 *       with no CSV is recorded as crashed) into maestro.json
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseLayerArg } from '../sim/report/layer';
import { MAESTRO_TEMPLATES, maestroProblems, templateDirectives } from '../sim/cost/maestro';

const DIR = path.join(__dirname, '..', 'test', 'fixtures', 'maestro');

export interface HwCase { pes: number; nocBw: number; offchipBw: number; hopLatency: number }
export interface Cases { hw: Record<string, HwCase>; layers: { id: string; layer: string; hw: string[] }[] }

function loadCases(): Cases {
  return JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as Cases;
}

function layerFile(id: string, layerArg: string, template: (typeof MAESTRO_TEMPLATES)[number]): string {
  const layer = parseLayerArg(layerArg);
  const pieces = maestroProblems(layer.op, layer.shape);
  const { problem } = pieces[0];
  const d = problem.dims;
  const dirs = templateDirectives(template, problem)
    .map((x) => ('cluster' in x ? `\t\t\tCluster(${x.cluster},P);` : `\t\t\t${x.kind === 'S' ? 'SpatialMap' : 'TemporalMap'}(${x.size},${x.ofs}) ${x.v};`));
  return [
    `Network ${id} {`,
    `\tLayer ${id} {`,
    `\t\tType: ${problem.type}`,
    `\t\tStride { X: ${problem.strideX}, Y: ${problem.strideY} }`,
    `\t\tDimensions { K: ${d.K}, C: ${d.C}, R: ${d.R}, S: ${d.S}, Y: ${d.Y}, X: ${d.X} }`,
    '\t\tDataflow {', ...dirs, '\t\t}', '\t}', '}', '',
  ].join('\n');
}

function writeInputs(): void {
  const cases = loadCases();
  fs.mkdirSync(path.join(DIR, 'layers'), { recursive: true });
  fs.mkdirSync(path.join(DIR, 'hw'), { recursive: true });
  for (const [name, h] of Object.entries(cases.hw)) {
    // L1/L2 sizes only trigger MAESTRO's warnings; they are set large.
    fs.writeFileSync(path.join(DIR, 'hw', `${name}.m`), `num_pes: ${h.pes}\nl1_size_cstr: 1000000\nl2_size_cstr: 100000000\nnoc_bw_cstr: ${h.nocBw}\noffchip_bw_cstr: ${h.offchipBw}\nNoC_NumHops: ${h.hopLatency}\n`);
  }
  for (const l of cases.layers) {
    for (const t of MAESTRO_TEMPLATES) fs.writeFileSync(path.join(DIR, 'layers', `${l.id}_${t}.m`), layerFile(`${l.id}_${t}`, l.layer, t));
  }
}

const COLUMNS = {
  runtime: 'Runtime (Cycles)', macs: 'Num MACs',
  inputL1Read: 'input l1 read', inputL1Write: 'input l1 write', inputL2Read: 'input l2 read', inputL2Write: 'input l2 write',
  weightL1Read: 'filter l1 read', weightL1Write: 'filter l1 write', weightL2Read: 'filter l2 read', weightL2Write: 'filter l2 write',
  outputL1Read: 'output l1 read', outputL1Write: 'output l1 write', outputL2Read: 'output l2 read', outputL2Write: 'output l2 write',
} as const;

function parseCsv(file: string): Record<keyof typeof COLUMNS, number> {
  const [head, row] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const names = head.split(',').map((s) => s.trim());
  const values = row.split(',').map((s) => s.trim());
  const out = {} as Record<keyof typeof COLUMNS, number>;
  for (const [k, col] of Object.entries(COLUMNS)) {
    const i = names.indexOf(col);
    if (i < 0) throw new Error(`${file}: no column "${col}"`);
    out[k as keyof typeof COLUMNS] = Number(values[i]);
  }
  return out;
}

function collect(outDir: string): void {
  const cases = loadCases();
  const runs: unknown[] = [];
  for (const l of cases.layers) {
    for (const hw of l.hw) {
      for (const t of MAESTRO_TEMPLATES) {
        const csv = path.join(outDir, hw, `${l.id}_${t}.csv`);
        if (!fs.existsSync(csv)) { runs.push({ id: l.id, layer: l.layer, template: t, hw, crashed: true }); continue; }
        const c = parseCsv(csv);
        const acc = (p: 'input' | 'weight' | 'output') => ({
          l1: { reads: c[`${p}L1Read`], writes: c[`${p}L1Write`] }, l2: { reads: c[`${p}L2Read`], writes: c[`${p}L2Write`] },
        });
        runs.push({ id: l.id, layer: l.layer, template: t, hw, runtime: c.runtime, macs: c.macs, input: acc('input'), weight: acc('weight'), output: acc('output') });
      }
    }
  }
  // One run per line: reviewable diffs.
  const body = runs.map((r) => '  ' + JSON.stringify(r)).join(',\n');
  fs.writeFileSync(path.join(DIR, 'maestro.json'), `{\n "source": "maestro-project/maestro@4eb08d17c87caf1ee3f3a351b10eb9b8ef70dd87",\n "runs": [\n${body}\n ]\n}\n`);
  process.stderr.write(`${runs.length} runs\n`);
}

if (require.main === module) {
  const [cmd, arg] = process.argv.slice(2);
  if (cmd === 'inputs') writeInputs();
  else if (cmd === 'collect' && arg) collect(arg);
  else {
    process.stderr.write('usage: maestro-fixture.ts inputs | collect OUT_DIR\n');
    process.exit(2);
  }
}
