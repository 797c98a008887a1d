/**
 * Loads an MCM package description (`mcmsim/package@1`): chiplet kinds, the grid of chiplets,
 * the network-on-package (2D mesh, one directed link each way between grid neighbours) and the
 * DRAM channels with the chiplet each attaches to.
 */
import { Chiplet, ChipletKind, Dataflow, DATAFLOWS, DramChannel, MaestroHardware, Mapping, MAPPINGS, Package, TEMPLATE_DATAFLOW } from './types';
import { Node, deepFreeze, readJsonFile, topObject } from './json';
import { rangeViolation } from './ranges';
import { DRAM_PRESETS, peakBandwidthGBps } from './dram-presets';

/** DRAM timing models a package may name (the components are in sim/hw/dram*.ts). */
export const DRAM_MODELS = ['channel', 'banked'] as const;

export function loadPackage(file: string): Package {
  return parsePackage(file, readJsonFile(file));
}

export function parsePackage(file: string, json: unknown): Package {
  const top = topObject(file, json, 'package', ['name', 'kinds', 'grid', 'nop', 'dram'], ['note', 'elementBytes']);
  const name = top.get('name').str();
  const elementBytes = top.opt('elementBytes')?.ranged('package.elementBytes') ?? 1;

  const kindsNode = top.get('kinds').obj([], Object.keys((top.rec.kinds as object) ?? {}));
  const kinds: ChipletKind[] = Object.keys(kindsNode.rec).map((kname) => {
    const k = kindsNode.get(kname).obj(
      ['dataflow', 'peRows', 'peCols', 'bufferBytes', 'clockMHz', 'macEnergyPj', 'bufferEnergyPjPerByte', 'staticPowerMw'],
      ['vectorOpEnergyPj', 'rfEnergyPjPerByte', 'arrayEnergyPjPerByte', 'mapping', 'maestro', 'note'],
    );
    const dataflow = k.get('dataflow').str(DATAFLOWS) as Dataflow;
    const mapping = (k.opt('mapping')?.str(MAPPINGS) ?? 'search') as Mapping;
    if (mapping !== 'search' && TEMPLATE_DATAFLOW[mapping] !== dataflow) {
      k.get('mapping').fail(`"${mapping}" is a template of dataflow "${TEMPLATE_DATAFLOW[mapping]}", but kind "${kname}" has dataflow "${dataflow}"`);
    }
    const peRows = k.get('peRows').ranged('kind.peRows');
    const peCols = k.get('peCols').ranged('kind.peCols');
    const clockMHz = k.get('clockMHz').ranged('kind.clockMHz');
    const m = k.opt('maestro')?.obj([], ['nocBandwidthElemsPerCycle', 'offchipBandwidthElemsPerCycle', 'nocHopLatencyCycles', 'note']);
    const maestro: Mutable<MaestroHardware> = {
      // Defaults (models/README.md): a NoC that delivers one element per PE per cycle; the
      // package's DRAM channel; MAESTRO's one cycle per hop.
      nocBandwidthElemsPerCycle: m?.opt('nocBandwidthElemsPerCycle')?.ranged('maestro.nocBandwidthElemsPerCycle') ?? peRows * peCols,
      // NaN until the DRAM is read (below): the default is its channel bandwidth.
      offchipBandwidthElemsPerCycle: m?.opt('offchipBandwidthElemsPerCycle')?.ranged('maestro.offchipBandwidthElemsPerCycle') ?? NaN,
      nocHopLatencyCycles: m?.opt('nocHopLatencyCycles')?.ranged('maestro.nocHopLatencyCycles') ?? 1,
    };
    return {
      name: kname,
      dataflow,
      peRows,
      peCols,
      bufferBytes: k.get('bufferBytes').ranged('kind.bufferBytes'),
      clockMHz,
      macEnergyPj: k.get('macEnergyPj').ranged('kind.macEnergyPj'),
      vectorOpEnergyPj: k.opt('vectorOpEnergyPj')?.ranged('kind.vectorOpEnergyPj') ?? 0,
      bufferEnergyPjPerByte: k.get('bufferEnergyPjPerByte').ranged('kind.bufferEnergyPjPerByte'),
      // Optional: 0 means macEnergyPj already includes register and array traffic.
      rfEnergyPjPerByte: k.opt('rfEnergyPjPerByte')?.ranged('kind.rfEnergyPjPerByte') ?? 0,
      arrayEnergyPjPerByte: k.opt('arrayEnergyPjPerByte')?.ranged('kind.arrayEnergyPjPerByte') ?? 0,
      staticPowerMw: k.get('staticPowerMw').ranged('kind.staticPowerMw'),
      mapping,
      maestro,
    };
  });
  if (kinds.length === 0) top.get('kinds').fail('expected at least one chiplet kind');

  const rowsN = top.get('grid').arr(1);
  // The size is checked before the rows are read, so a huge grid is refused in bounded time.
  const cells = (rowsN[0].value as unknown[])?.length * rowsN.length;
  const tooMany = Array.isArray(rowsN[0].value) ? rangeViolation('package.chiplets', cells) : undefined;
  if (tooMany) top.get('grid').fail(`${rowsN.length}x${(rowsN[0].value as unknown[]).length} grid: ${tooMany.replace(/, got \d+$/, '')}`);
  const kindNames = kinds.map((k) => k.name);
  const grid = rowsN.map((r) => r.arr(1).map((c) => c.str(kindNames)));
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
    linkBandwidthGBps: nopN.get('linkBandwidthGBps').ranged('nop.linkBandwidthGBps'),
    hopLatencyNs: nopN.get('hopLatencyNs').ranged('nop.hopLatencyNs'),
    energyPjPerBit: nopN.get('energyPjPerBit').ranged('nop.energyPjPerBit'),
    packetBytes: nopN.opt('packetBytes')?.ranged('nop.packetBytes') ?? 2048,
  };

  // "channel" (default): a FIFO with bandwidth and latency. "banked": a preset's banks, rows and
  // timings; latencyNs is then the fixed path outside the device (controller, PHY) and the
  // bandwidth defaults to the preset's peak (the analytical model still uses both).
  const rawModel = (top.get('dram').value as Record<string, unknown> | null)?.model;
  if (rawModel !== undefined) new Node(file, 'dram.model', rawModel).str(DRAM_MODELS);
  const model = rawModel === 'banked' ? 'banked' : 'channel';
  const dramN = top.get('dram').obj(
    model === 'banked' ? ['latencyNs', 'energyPjPerBit', 'channels', 'preset'] : ['channelBandwidthGBps', 'latencyNs', 'energyPjPerBit', 'channels'],
    model === 'banked' ? ['note', 'model', 'channelBandwidthGBps'] : ['note', 'model'],
  );
  const energyPjPerBit = dramN.get('energyPjPerBit').ranged('dram.energyPjPerBit');
  let banked = null;
  if (model === 'banked') {
    const spec = DRAM_PRESETS[dramN.get('preset').str(Object.keys(DRAM_PRESETS))]();
    const burstPj = spec.burstBytes * 8 * energyPjPerBit;
    banked = { ...spec, readBurstPj: Number.isNaN(spec.readBurstPj) ? burstPj : spec.readBurstPj, writeBurstPj: Number.isNaN(spec.writeBurstPj) ? burstPj : spec.writeBurstPj };
  }
  const channelNodes = dramN.get('channels').arr(1);
  const tooManyCh = rangeViolation('dram.channels', channelNodes.length);
  if (tooManyCh) dramN.get('channels').fail(`${channelNodes.length} channels: ${tooManyCh.replace(/, got \d+$/, '')}`);
  const channels: DramChannel[] = channelNodes.map((cn, i) => {
    const [row, col] = cn.pair('dram.channelAt', '[row, col]');
    if (row >= grid.length || col >= cols) cn.fail(`no chiplet at [${row}, ${col}] in a ${grid.length}x${cols} grid`);
    return { index: i, id: `dram${i}`, chiplet: row * cols + col };
  });
  const dram = {
    model, banked,
    channelBandwidthGBps: dramN.opt('channelBandwidthGBps')?.ranged('dram.channelBandwidthGBps') ?? peakBandwidthGBps(banked!),
    latencyNs: dramN.get('latencyNs').ranged('dram.latencyNs'),
    energyPjPerBit,
    channels,
  } as const;
  for (const k of kinds) {
    const m = k.maestro as Mutable<MaestroHardware>;
    // Whole elements per cycle (MAESTRO's bandwidths are integers), at least one.
    if (Number.isNaN(m.offchipBandwidthElemsPerCycle)) m.offchipBandwidthElemsPerCycle = Math.max(1, Math.floor((dram.channelBandwidthGBps * 1000) / k.clockMHz / elementBytes));
  }
  return deepFreeze({ name, file, rows: grid.length, cols, elementBytes, kinds, chiplets, nop, dram });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function chipletId(row: number, col: number): string {
  return `c${row}_${col}`;
}
