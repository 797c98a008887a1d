/**
 * Writes the package descriptions in models/packages/ (run: npx ts-node --transpile-only
 * scripts/gen-packages.ts). Every constant is explained in models/README.md ("Packages").
 */
import * as fs from 'fs';
import * as path from 'path';

type DF = 'ws' | 'os' | 'rs';

// One chiplet kind per dataflow; identical except for the dataflow, so packages differ only in
// their dataflow mix (the comparison the seed paper makes).
const kind = (dataflow: DF) => ({
  dataflow,
  peRows: 32, // 1024 MACs per chiplet, as a Simba chiplet (16 PEs x 64 MACs; Shao et al., MICRO 2019)
  peCols: 32,
  bufferBytes: 1048576, // ~ Simba's on-chiplet SRAM (64 KB global + 16 x ~45 KB per-PE buffers)
  clockMHz: 500, // seed paper (SCAR, Odema et al. 2024)
  macEnergyPj: 0.23, // int8 multiply 0.2 pJ + add 0.03 pJ (Horowitz, ISSCC 2014, 45 nm); registers counted apart
  vectorOpEnergyPj: 0.26, // int8 add 0.03 pJ (Horowitz) + register file 0.23 pJ
  rfEnergyPjPerByte: 0.23, // PE register file / scratchpad access ~1x a MAC (Eyeriss, Chen et al., ISCA 2016, Fig. 2)
  arrayEnergyPjPerByte: 0.46, // delivery over the PE array network ~2x a MAC (Eyeriss, ISCA 2016, Fig. 2)
  bufferEnergyPjPerByte: 2.5, // 32 KB SRAM bank, 64-bit access ~20 pJ (Horowitz) -> 2.5 pJ/byte (~11x a MAC; Eyeriss: ~6x)
  staticPowerMw: 40, // assumption: leakage of 1024 MACs + 1 MiB SRAM; set for your technology
});

const nop = { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2.04, packetBytes: 2048 };
const dramOf = (rows: number, cols: number) => {
  // One channel per chiplet on the left and right edges (seed paper: DRAM at the side chiplets).
  const channels: [number, number][] = [];
  for (let r = 0; r < rows; r++) channels.push([r, 0]);
  for (let r = 0; r < rows; r++) if (cols > 1) channels.push([r, cols - 1]);
  return { channelBandwidthGBps: 64, latencyNs: 200, energyPjPerBit: 14.8, channels };
};

function pkg(name: string, note: string, grid: DF[][]): object {
  const used = [...new Set(grid.flat())].sort();
  return {
    schema: 'mcmsim/package@1',
    name,
    note,
    elementBytes: 1,
    kinds: Object.fromEntries(used.map((d) => [d, kind(d)])),
    grid,
    nop,
    dram: dramOf(grid.length, grid[0].length),
  };
}

const fill = (n: number, f: (r: number, c: number) => DF): DF[][] =>
  Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => f(r, c)));

const packages: Record<string, object> = {
  het_3x3: pkg('het_3x3', 'WS chiplets on the left column, OS on the right, RS in the middle', fill(3, (_, c) => (c === 0 ? 'ws' : c === 2 ? 'os' : 'rs'))),
  het_sides_3x3: pkg('het_sides_3x3', 'WS on the left half, OS on the right (middle column alternates)', fill(3, (r, c) => (c === 0 ? 'ws' : c === 2 ? 'os' : r % 2 === 0 ? 'ws' : 'os'))),
  het_cross_3x3: pkg('het_cross_3x3', 'OS chiplets on a cross through the centre, WS in the corners', fill(3, (r, c) => (r === 1 || c === 1 ? 'os' : 'ws'))),
  ws_3x3: pkg('ws_3x3', 'homogeneous weight-stationary baseline', fill(3, () => 'ws')),
  os_3x3: pkg('os_3x3', 'homogeneous output-stationary baseline', fill(3, () => 'os')),
  het_sides_6x6: pkg('het_sides_6x6', 'WS on the left three columns, OS on the right three', fill(6, (_, c) => (c < 3 ? 'ws' : 'os'))),
  het_cross_6x6: pkg('het_cross_6x6', 'OS chiplets on the two middle rows and columns, WS elsewhere', fill(6, (r, c) => (r === 2 || r === 3 || c === 2 || c === 3 ? 'os' : 'ws'))),
  ws_6x6: pkg('ws_6x6', 'homogeneous weight-stationary baseline', fill(6, () => 'ws')),
  os_6x6: pkg('os_6x6', 'homogeneous output-stationary baseline', fill(6, () => 'os')),
};

const dir = path.resolve(__dirname, '../models/packages');
fs.mkdirSync(dir, { recursive: true });
for (const [name, doc] of Object.entries(packages)) {
  const text = JSON.stringify(doc, null, 2).replace(/\[\n\s+("(?:ws|os|rs)"|\d+),\n\s+("(?:ws|os|rs)"|\d+)(?:,\n\s+("(?:ws|os|rs)"|\d+))*\n\s+\]/g, (m) => m.replace(/\s+/g, ' ').replace('[ ', '[').replace(' ]', ']'));
  fs.writeFileSync(path.join(dir, `${name}.json`), text + '\n');
  console.log(`wrote models/packages/${name}.json`);
}
