/**
 * Loads an MCM package description (`mcmsim/package@1`): chiplet kinds, the grid of chiplets,
 * the network-on-package (2D mesh, one directed link each way between grid neighbours) and the
 * DRAM channels with the chiplet each attaches to.
 */
import { Chiplet, ChipletKind, Dataflow, DATAFLOWS, DramChannel, Package } from './types';
import { Node, checkSchema, deepFreeze, readJsonFile } from './json';

export function loadPackage(file: string): Package {
  return parsePackage(file, readJsonFile(file));
}

export function parsePackage(file: string, json: unknown): Package {
  const top = new Node(file, '', json).obj(['schema', 'name', 'kinds', 'grid', 'nop', 'dram'], ['note', 'elementBytes']);
  checkSchema(top, 'package');
  const name = top.get('name').str();
  const elementBytes = top.opt('elementBytes')?.num({ int: true, min: 1, max: 8 }) ?? 1;

  const kindsNode = top.get('kinds').obj([], Object.keys((top.rec.kinds as object) ?? {}));
  const kinds: ChipletKind[] = Object.keys(kindsNode.rec).map((kname) => {
    const k = kindsNode.get(kname).obj(
      ['dataflow', 'peRows', 'peCols', 'bufferBytes', 'clockMHz', 'macEnergyPj', 'bufferEnergyPjPerByte', 'staticPowerMw'],
      ['vectorOpEnergyPj', 'rfEnergyPjPerByte', 'arrayEnergyPjPerByte', 'note'],
    );
    return {
      name: kname,
      dataflow: k.get('dataflow').str(DATAFLOWS) as Dataflow,
      peRows: k.get('peRows').pos(),
      peCols: k.get('peCols').pos(),
      bufferBytes: k.get('bufferBytes').num({ int: true, min: 64 }),
      clockMHz: k.get('clockMHz').num({ gt: 0, max: 100000 }),
      macEnergyPj: k.get('macEnergyPj').num({ min: 0 }),
      vectorOpEnergyPj: k.opt('vectorOpEnergyPj')?.num({ min: 0 }) ?? 0,
      bufferEnergyPjPerByte: k.get('bufferEnergyPjPerByte').num({ min: 0 }),
      // Optional: 0 means macEnergyPj already includes register and array traffic.
      rfEnergyPjPerByte: k.opt('rfEnergyPjPerByte')?.num({ min: 0 }) ?? 0,
      arrayEnergyPjPerByte: k.opt('arrayEnergyPjPerByte')?.num({ min: 0 }) ?? 0,
      staticPowerMw: k.get('staticPowerMw').num({ min: 0 }),
    };
  });
  if (kinds.length === 0) top.get('kinds').fail('expected at least one chiplet kind');

  const rowsN = top.get('grid').arr(1);
  const grid = rowsN.map((r) => r.arr(1).map((c) => c.str(kinds.map((k) => k.name))));
  const cols = grid[0].length;
  grid.forEach((r, i) => {
    if (r.length !== cols) rowsN[i].fail(`row has ${r.length} chiplets, row 0 has ${cols} (the grid must be rectangular)`);
  });
  const chiplets: Chiplet[] = [];
  grid.forEach((r, row) =>
    r.forEach((kname, col) => {
      chiplets.push({ index: chiplets.length, id: chipletId(row, col), row, col, kind: kinds.find((k) => k.name === kname)! });
    }),
  );

  const nopN = top.get('nop').obj(['linkBandwidthGBps', 'hopLatencyNs', 'energyPjPerBit'], ['packetBytes', 'note']);
  const nop = {
    linkBandwidthGBps: nopN.get('linkBandwidthGBps').num({ gt: 0 }),
    hopLatencyNs: nopN.get('hopLatencyNs').num({ min: 0 }),
    energyPjPerBit: nopN.get('energyPjPerBit').num({ min: 0 }),
    packetBytes: nopN.opt('packetBytes')?.num({ int: true, min: 16 }) ?? 2048,
  };

  const dramN = top.get('dram').obj(['channelBandwidthGBps', 'latencyNs', 'energyPjPerBit', 'channels'], ['note']);
  const channels: DramChannel[] = dramN.get('channels').arr(1).map((cn, i) => {
    const [row, col] = cn.pair(0);
    if (row >= grid.length || col >= cols) cn.fail(`no chiplet at [${row}, ${col}] in a ${grid.length}x${cols} grid`);
    return { index: i, id: `dram${i}`, chiplet: row * cols + col };
  });
  const dram = {
    channelBandwidthGBps: dramN.get('channelBandwidthGBps').num({ gt: 0 }),
    latencyNs: dramN.get('latencyNs').num({ min: 0 }),
    energyPjPerBit: dramN.get('energyPjPerBit').num({ min: 0 }),
    channels,
  };
  return deepFreeze({ name, file, rows: grid.length, cols, elementBytes, kinds, chiplets, nop, dram });
}

export function chipletId(row: number, col: number): string {
  return `c${row}_${col}`;
}
