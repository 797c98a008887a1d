/**
 * The mapper on reference layers, per dataflow (the README "per-layer fidelity" table):
 *   npx ts-node --transpile-only scripts/fidelity.ts [--json] [--buffer BYTES]
 * Each layer runs alone on one 32x32 chiplet of each dataflow of models/packages/het_3x3.json
 * with every operand already on chip (LOCAL_SOURCES), so the figures are the PE array's compute
 * cycles and utilisation: what SCALE-Sim, MAESTRO and Timeloop report for the same layer.
 * Buffer: 16 MiB by default, so no layer is cut into tiles (the reference tools' figures are for
 * the untiled layer); --buffer sets another size.
 */
import * as path from 'path';
import { loadPackage } from '../sim/input/package';
import { loadWorkload } from '../sim/input/workload';
import { DATAFLOWS, Layer } from '../sim/input/types';
import { mapLayer } from '../sim/cost/mapper';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const bIdx = args.indexOf('--buffer');
const bufferBytes = bIdx >= 0 ? Number(args[bIdx + 1]) : 16 << 20;

export const REFERENCE_LAYERS: [string, string, string][] = [
  ['resnet50.json', 'conv1', 'ResNet-50 conv1 (7x7/2, C=3, K=64, 112x112 out)'],
  ['resnet50.json', 'layer1.0.conv2', 'ResNet-50 3x3 (C=K=64, 56x56)'],
  ['resnet50.json', 'layer1.0.conv1', 'ResNet-50 1x1 (C=K=64, 56x56)'],
  ['resnet50.json', 'fc', 'ResNet-50 FC (2048 -> 1000, batch 1)'],
  ['bert_large.json', 'enc0.ffn1', 'BERT-Large FFN1 GEMM (128 x 1024 x 4096)'],
  ['depth_estimation.json', 'enc1.dw', 'MobileNet depthwise 3x3 (C=32, 112x112)'],
];

function main() {
  const pkg = loadPackage(path.join(root, 'models/packages/het_3x3.json'));
  const rows = [];
  for (const [file, name, label] of REFERENCE_LAYERS) {
    const w = loadWorkload(path.join(root, 'models/workloads', file));
    const layer = w.layers.find((l) => l.name === name) as Layer;
    for (const df of DATAFLOWS) {
      const kind = { ...pkg.kinds.find((k) => k.dataflow === df)!, bufferBytes };
      const m = mapLayer(layer.shape, kind, 1, pkg.elementBytes);
      if (typeof m === 'string') throw new Error(`${name} on ${df}: ${m}`);
      const b = m[0];
      const macs = layer.shape.macsPerSample;
      rows.push({
        layer: label, dataflow: df, macs, spatial: b.spatial, tiles: b.kParts * b.nParts, cycles: b.computeCycles,
        utilization: macs / (b.computeCycles * kind.peRows * kind.peCols), onChipPjPerMac: (b.energy.totalPj - b.energy.loadPj) / macs,
      });
    }
  }
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log('| layer | dataflow | MACs | spatial unrolling | cycles | utilisation | on-chip pJ/MAC |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.layer} | ${r.dataflow} | ${r.macs} | ${r.spatial} | ${r.cycles} | ${(r.utilization * 100).toFixed(1)} % | ${r.onChipPjPerMac.toFixed(2)} |`);
  }
}

if (require.main === module) main();
