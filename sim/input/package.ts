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
export const DRAM_MODELS = ['channel', 'banked', 'banked-packet'] as const;

/** Optional controller fields of the banked models (sim/hw/dram-controller.ts). */
const CONTROLLER_FIELDS = ['readQueueDepth', 'writeQueueDepth', 'writeHighWatermark', 'writeLowWatermark'] as const;

/** NoP components a package may name (sim/hw/nop.ts); the first is the default. */
export const NOP_MODELS = ['router', 'link'] as const;

/**
 * Router defaults. flitBytes 64: one flit per router cycle on a 100 GB/s link is a 1.56 GHz
 * clock, the order of the NoP routers' clocks in Simba (Shao et al., MICRO 2019). bufferBytes
 * 8192 = 128 flits per input port, BookSim2's default input buffer (num_vcs 16 x vc_buf_size 8,
 * src/booksim_config.cpp); it also covers the credit loop's bandwidth-delay product on the
 * shipped packages (100 GB/s x 2 x 35 ns = 7 KB), the sizing rule of Dally & Towles,
 * "Principles and Practices of Interconnection Networks" (2004), ch. 16, so a lone stream runs
 * at link rate.
 */
export const NOP_DEFAULTS = { flitBytes: 64, bufferBytes: 8192 } as const;

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

  const nopN = top.get('nop').obj(
    ['linkBandwidthGBps', 'hopLatencyNs', 'energyPjPerBit'],
    ['packetBytes', 'note', 'model', 'bufferBytes', 'flitBytes', 'ejectionPorts'],
  );
  const packetBytes = nopN.opt('packetBytes')?.ranged('nop.packetBytes') ?? 2048;
  const flitBytes = nopN.opt('flitBytes')?.ranged('nop.flitBytes') ?? NOP_DEFAULTS.flitBytes;
  const bufferBytes = nopN.opt('bufferBytes')?.ranged('nop.bufferBytes') ?? NOP_DEFAULTS.bufferBytes;
  if (flitBytes > packetBytes) nopN.get('flitBytes').fail(`${flitBytes} bytes: a flit cannot be larger than a packet (packetBytes ${packetBytes})`);
  if (bufferBytes < flitBytes) nopN.get('bufferBytes').fail(`${bufferBytes} bytes: a router input buffer must hold at least one flit (flitBytes ${flitBytes})`);
  const nop = {
    linkBandwidthGBps: nopN.get('linkBandwidthGBps').ranged('nop.linkBandwidthGBps'),
    hopLatencyNs: nopN.get('hopLatencyNs').ranged('nop.hopLatencyNs'),
    energyPjPerBit: nopN.get('energyPjPerBit').ranged('nop.energyPjPerBit'),
    packetBytes,
    model: (nopN.opt('model')?.str(NOP_MODELS) ?? 'router') as (typeof NOP_MODELS)[number],
    bufferBytes,
    flitBytes,
    ejectionPorts: nopN.opt('ejectionPorts')?.ranged('nop.ejectionPorts') ?? 1,
  };

  // "channel" (default): a FIFO with bandwidth and latency. "banked" / "banked-packet": a preset's
  // banks, rows and timings; latencyNs is then the fixed path outside the device (controller,
  // PHY) and the bandwidth defaults to the preset's peak (the analytical model still uses both).
  const rawModel = (top.get('dram').value as Record<string, unknown> | null)?.model;
  if (rawModel !== undefined) new Node(file, 'dram.model', rawModel).str(DRAM_MODELS);
  const model = (rawModel ?? 'channel') as (typeof DRAM_MODELS)[number];
  const isBanked = model !== 'channel';
  const dramN = top.get('dram').obj(
    isBanked ? ['latencyNs', 'energyPjPerBit', 'channels', 'preset'] : ['channelBandwidthGBps', 'latencyNs', 'energyPjPerBit', 'channels'],
    isBanked ? ['note', 'model', 'channelBandwidthGBps', ...CONTROLLER_FIELDS] : ['note', 'model'],
  );
  const energyPjPerBit = dramN.get('energyPjPerBit').ranged('dram.energyPjPerBit');
  let banked = null;
  if (isBanked) {
    const spec = DRAM_PRESETS[dramN.get('preset').str(Object.keys(DRAM_PRESETS))]();
    const burstPj = spec.burstBytes * 8 * energyPjPerBit;
    const ctl: Record<string, number> = {};
    for (const f of CONTROLLER_FIELDS) ctl[f] = dramN.opt(f)?.ranged(`dram.${f}`) ?? spec[f];
    if (ctl.writeLowWatermark > ctl.writeHighWatermark) {
      dramN.get(dramN.opt('writeLowWatermark') ? 'writeLowWatermark' : 'writeHighWatermark').fail(`writeLowWatermark ${ctl.writeLowWatermark} is above writeHighWatermark ${ctl.writeHighWatermark}`);
    }
    banked = { ...spec, ...ctl, readBurstPj: Number.isNaN(spec.readBurstPj) ? burstPj : spec.readBurstPj, writeBurstPj: Number.isNaN(spec.writeBurstPj) ? burstPj : spec.writeBurstPj };
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
