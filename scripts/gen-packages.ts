/**
 * Writes the package descriptions in models/packages/ (run: npx ts-node --transpile-only
 * scripts/gen-packages.ts). Every constant is explained in models/README.md ("Packages").
 * `layoutPackage` builds the same layouts for any grid size in memory (scripts/bench.ts).
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

export function pkg(name: string, note: string, grid: DF[][]): object {
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

/** The n x n layouts of the 6x6 packages, for any n (WS left / OS right; OS cross; homogeneous). */
export const LAYOUTS = {
  het_sides: (n: number) => pkg(`het_sides_${n}x${n}`, `WS on the left half, OS on the right (generated, ${n}x${n})`, fill(n, (_, c) => (c < n / 2 ? 'ws' : 'os'))),
  het_cross: (n: number) => pkg(`het_cross_${n}x${n}`, `OS on the middle rows and columns, WS elsewhere (generated, ${n}x${n})`, fill(n, (r, c) => (Math.abs(2 * r - (n - 1)) <= 1 || Math.abs(2 * c - (n - 1)) <= 1 ? 'os' : 'ws'))),
  ws: (n: number) => pkg(`ws_${n}x${n}`, 'homogeneous weight-stationary baseline (generated)', fill(n, () => 'ws')),
  os: (n: number) => pkg(`os_${n}x${n}`, 'homogeneous output-stationary baseline (generated)', fill(n, () => 'os')),
};

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

/**
 * Stress packages for validation (README "Validation"): the het_sides_3x3 layout with 4096-PE
 * chiplets (64 x 64, the seed paper's datacenter setting, so layers need 4x the bytes per
 * second) and the one resource that contention needs narrowed. Contention-free estimates are
 * wrong on them by construction; `mcmsim validate` shows by how much and where.
 */
function stress(name: string, note: string, change: (p: { nop: object; dram: object }) => void): object {
  const p = pkg(name, note, fill(3, (r, c) => (c === 0 ? 'ws' : c === 2 ? 'os' : r % 2 === 0 ? 'ws' : 'os'))) as { kinds: Record<string, object>; nop: object; dram: object };
  for (const k of Object.keys(p.kinds)) p.kinds[k] = { ...p.kinds[k], peRows: 64, peCols: 64 }; // 4096 PEs (seed paper, datacenter)
  change(p);
  return p;
}

const stressPackages: Record<string, object> = {
  stress_shared_dram_3x3: stress('stress_shared_dram_3x3', 'het_sides_3x3 layout, 4096-PE chiplets, one shared 64 GB/s DRAM interface (at c1_0) instead of six', (p) => {
    p.dram = { ...dramOf(3, 3), channels: [[1, 0]] };
  }),
  stress_narrow_nop_3x3: stress('stress_narrow_nop_3x3', 'het_sides_3x3 layout, 4096-PE chiplets, a NoP of 8 GB/s per link (1/12.5 of the default)', (p) => {
    p.nop = { ...nop, linkBandwidthGBps: 8 };
  }),
  // The same shared interface with the banked model: DDR4-3200 (25.6 GB/s peak); the package's
  // latencyNs is then the path outside the device (controller, PHY): 200 ns minus tRCD + tCL
  // (27.5 ns), so a row miss costs the seed paper's 200 ns.
  stress_shared_ddr4_3x3: stress('stress_shared_ddr4_3x3', 'stress_shared_dram_3x3 with one banked DDR4-3200 channel (sim/hw/dram-controller.ts)', (p) => {
    p.dram = { model: 'banked', preset: 'DDR4-3200', latencyNs: 172.5, energyPjPerBit: 14.8, channels: [[1, 0]] };
  }),
};

// ---------------------------------------------------------------------------------------------
// The SCAR paper's evaluation packages (Odema et al., MICRO 2024, Table II and Section V-A), used
// by `mcmsim reproduce scar`. Only the NVDLA-like weight-stationary ("NVD" = ws) and
// ShiDianNao-like output-stationary ("Shi" = os) classes. Choices where the paper is silent are
// documented in models/README.md ("The SCAR reproduction packages").
// ---------------------------------------------------------------------------------------------

type ScarDF = 'ws' | 'os';
const MIB = 1048576;

/**
 * A SCAR chiplet: a square PE array of `pes` MACs (4096 = 64 x 64 datacenter, 256 = 16 x 16
 * AR/VR; the paper gives only the PE count), a 10 MB shared buffer (10 MiB here), 500 MHz, and the
 * same per-operation energies as our other kinds. Leakage: 20 mW per MiB of SRAM plus 5 mW per
 * 256 MACs -- the split that gives our 1024-MAC / 1 MiB kind its 40 mW; an assumption.
 */
const scarKind = (dataflow: ScarDF, pes: number) => ({
  ...kind(dataflow), // the same per-operation and per-level energies as our other kinds
  peRows: Math.sqrt(pes),
  peCols: Math.sqrt(pes),
  bufferBytes: 10 * MIB,
  clockMHz: 500,
  staticPowerMw: 20 * 10 + 5 * (pes / 256),
});

/** Checkerboard (Het-CB), sides (Het-Sides: `side` on the left and right columns), cross (Het-Cross). */
const scarLayouts = {
  simba_nvd: (n: number): ScarDF[][] => fill(n, () => 'ws') as ScarDF[][],
  simba_shi: (n: number): ScarDF[][] => fill(n, () => 'os') as ScarDF[][],
  het_cb: (n: number): ScarDF[][] => fill(n, (r, c) => ((r + c) % 2 === 0 ? 'ws' : 'os')) as ScarDF[][],
  het_sides: (n: number): ScarDF[][] => fill(n, (_, c) => (c === 0 || c === n - 1 ? 'ws' : 'os')) as ScarDF[][],
  het_sides_shi: (n: number): ScarDF[][] => fill(n, (_, c) => (c === 0 || c === n - 1 ? 'os' : 'ws')) as ScarDF[][],
  // Two middle rows and columns of the 6x6 grid (one of each on 3x3) are Shi, the corners NVD.
  het_cross: (n: number): ScarDF[][] => fill(n, (r, c) => (Math.abs(2 * r - (n - 1)) <= 1 || Math.abs(2 * c - (n - 1)) <= 1 ? 'os' : 'ws')) as ScarDF[][],
};
const scarNotes: Record<keyof typeof scarLayouts, string> = {
  simba_nvd: 'Simba (NVD): homogeneous NVDLA-like weight-stationary',
  simba_shi: 'Simba (Shi): homogeneous ShiDianNao-like output-stationary',
  het_cb: 'Het-CB: checkerboard of NVD (ws) and Shi (os), ws in the corners',
  het_sides: 'Het-Sides: NVD (ws) on the left and right columns next to the DRAM interfaces, Shi (os) in the middle',
  het_sides_shi: 'Het-Sides variant: Shi (os) on the left and right columns, NVD (ws) in the middle',
  het_cross: 'Het-Cross: Shi (os) on a cross through the middle rows and columns, NVD (ws) elsewhere',
};

function scarPkg(scale: 'dc' | 'ar', layout: keyof typeof scarLayouts, n: number): [string, object] {
  const name = `scar_${scale}_${layout}_${n}x${n}`;
  const pes = scale === 'dc' ? 4096 : 256;
  const grid = scarLayouts[layout](n);
  const used = [...new Set(grid.flat())].sort();
  const note = `SCAR (MICRO 2024) ${scale === 'dc' ? 'datacenter' : 'AR/VR'} package, ${pes}-PE chiplets. ${scarNotes[layout]}`;
  // Table II: NoP 100 GB/s per chiplet, 35 ns/hop, 2.04 pJ/bit; DRAM 64 GB/s (per interface here), 200 ns, 14.8 pJ/bit.
  return [name, { schema: 'mcmsim/package@1', name, note, elementBytes: 1, kinds: Object.fromEntries(used.map((d) => [d, scarKind(d, pes)])), grid, nop, dram: dramOf(n, n) }];
}

for (const scale of ['dc', 'ar'] as const) {
  for (const layout of ['simba_nvd', 'simba_shi', 'het_cb', 'het_sides', 'het_sides_shi'] as const) {
    const [name, doc] = scarPkg(scale, layout, 3);
    packages[name] = doc;
  }
}
for (const layout of ['het_cross', 'simba_nvd', 'simba_shi'] as const) {
  const [name, doc] = scarPkg('dc', layout, 6);
  packages[name] = doc;
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '../models/packages');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, doc] of Object.entries({ ...packages, ...stressPackages })) {
    const text = JSON.stringify(doc, null, 2).replace(/\[\n\s+("(?:ws|os|rs)"|\d+),\n\s+("(?:ws|os|rs)"|\d+)(?:,\n\s+("(?:ws|os|rs)"|\d+))*\n\s+\]/g, (m) => m.replace(/\s+/g, ' ').replace('[ ', '[').replace(' ]', ']'));
    fs.writeFileSync(path.join(dir, `${name}.json`), text + '\n');
    console.log(`wrote models/packages/${name}.json`);
  }
}
