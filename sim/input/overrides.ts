/**
 * Package overrides for design-space sweeps: a few parameters set on every chiplet kind, the
 * NoP or the DRAM of a package file. They are applied to the package's JSON before it is
 * parsed, so an overridden value goes through exactly the checks a hand-written package does.
 */
import { DATAFLOW_TEMPLATE, Dataflow, MAPPINGS, Package } from './types';
import { readJsonFile } from './json';
import { parsePackage } from './package';

export interface PackageOverrides {
  /** nop.linkBandwidthGBps: every NoP link, each direction. */
  nopBandwidthGBps?: number;
  /** dram.channels: this many channels on the edge chiplets (see `edgeChannels`). */
  dramChannels?: number;
  /** kinds.*.bufferBytes: every chiplet kind's buffer. */
  bufferBytes?: number;
  /** kinds.*.peRows and peCols: every chiplet kind's PE array, [rows, cols]. */
  peArray?: [number, number];
  /** dram.channelBandwidthGBps: every DRAM channel (e.g. 64 / 6 when 64 GB/s is the total). */
  dramChannelGBps?: number;
  /** Factors on every chiplet kind's macEnergyPj, bufferEnergyPjPerByte and staticPowerMw (what-ifs on unstated constants). */
  macEnergyScale?: number;
  bufferEnergyScale?: number;
  staticPowerScale?: number;
  /**
   * kinds.*.mapping: `search` (the mapper), `templates` (each kind the MAESTRO template of its
   * dataflow: ws nvdla, os shidiannao, rs eyeriss), or one mapping name for every kind (the
   * package's checks then refuse a kind of another dataflow).
   */
  mapping?: MappingProfile;
  /** kinds.*.maestro.nocBandwidthElemsPerCycle and nocHopLatencyCycles: the MAESTRO templates' NoC (what-ifs on unstated constants). */
  maestroNocElemsPerCycle?: number;
  maestroHopLatencyCycles?: number;
}

/** What a `mapping` override may say. */
export const MAPPING_PROFILES = ['templates', ...MAPPINGS] as const;
export type MappingProfile = (typeof MAPPING_PROFILES)[number];

export const OVERRIDE_KEYS = ['nopBandwidthGBps', 'dramChannels', 'bufferBytes', 'peArray', 'dramChannelGBps', 'macEnergyScale', 'bufferEnergyScale', 'staticPowerScale', 'mapping', 'maestroNocElemsPerCycle', 'maestroHopLatencyCycles'] as const;

/**
 * `n` DRAM channels on the left and right edge chiplets, as the shipped packages place them
 * (seed paper: DRAM at the side chiplets): ceil(n / 2) on the left edge, the rest on the right,
 * each side's spread evenly over its rows (channel i of m at row floor((i + 1/2) x rows / m)), so
 * n = 2 x rows gives the shipped packages' channels. At most one channel per edge chiplet.
 */
export function edgeChannels(n: number, rows: number, cols: number): [number, number][] | string {
  const sides = cols > 1 ? 2 : 1;
  if (n > sides * rows) return `${n} channels do not fit on the ${sides * rows} edge chiplets of a ${rows}x${cols} grid (one channel per edge chiplet)`;
  const out: [number, number][] = [];
  for (let side = 0; side < sides; side++) {
    const m = Math.floor(n / sides) + (side < n % sides ? 1 : 0);
    const col = side === 0 ? 0 : cols - 1;
    for (let i = 0; i < m; i++) out.push([Math.floor(((i + 0.5) * rows) / m), col]);
  }
  return out;
}

/** A copy of a package's JSON with the overrides set; `fail` reports a value that cannot apply. */
export function applyOverrides(json: unknown, o: PackageOverrides, fail: (key: keyof PackageOverrides, detail: string) => never): unknown {
  const doc = structuredClone(json) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObj(doc)) return doc; // parsePackage reports it
  if (o.nopBandwidthGBps !== undefined && isObj(doc.nop)) doc.nop.linkBandwidthGBps = o.nopBandwidthGBps;
  if (o.dramChannels !== undefined && isObj(doc.dram) && Array.isArray(doc.grid) && Array.isArray(doc.grid[0])) {
    const n = o.dramChannels;
    if (!Number.isInteger(n) || n < 1) fail('dramChannels', `expected a positive integer, got ${JSON.stringify(n)}`);
    const ch = edgeChannels(n, doc.grid.length, doc.grid[0].length);
    if (typeof ch === 'string') fail('dramChannels', ch);
    doc.dram.channels = ch;
  }
  if (o.dramChannelGBps !== undefined && isObj(doc.dram)) doc.dram.channelBandwidthGBps = o.dramChannelGBps;
  const scale = (key: keyof PackageOverrides, v: unknown): number => {
    if (typeof v !== 'number' || !(v >= 0)) fail(key, `expected a factor >= 0, got ${JSON.stringify(v)}`);
    return v as number;
  };
  if (o.mapping !== undefined && !(MAPPING_PROFILES as readonly unknown[]).includes(o.mapping)) fail('mapping', `expected one of ${MAPPING_PROFILES.join(', ')}, got ${JSON.stringify(o.mapping)}`);
  if (isObj(doc.kinds)) {
    for (const k of Object.values(doc.kinds)) {
      if (!isObj(k)) continue;
      // A kind without a known dataflow keeps its mapping: parsePackage reports the dataflow.
      if (o.mapping === 'templates') {
        if (typeof k.dataflow === 'string' && k.dataflow in DATAFLOW_TEMPLATE) k.mapping = DATAFLOW_TEMPLATE[k.dataflow as Dataflow];
      } else if (o.mapping !== undefined) k.mapping = o.mapping;
      // The package's checks judge the value (a non-object "maestro" is left for them to report).
      if (o.maestroNocElemsPerCycle !== undefined || o.maestroHopLatencyCycles !== undefined) {
        if (k.maestro === undefined) k.maestro = {};
        if (isObj(k.maestro)) {
          if (o.maestroNocElemsPerCycle !== undefined) k.maestro.nocBandwidthElemsPerCycle = o.maestroNocElemsPerCycle;
          if (o.maestroHopLatencyCycles !== undefined) k.maestro.nocHopLatencyCycles = o.maestroHopLatencyCycles;
        }
      }
      if (o.bufferBytes !== undefined) k.bufferBytes = o.bufferBytes;
      if (o.peArray !== undefined) {
        if (!Array.isArray(o.peArray) || o.peArray.length !== 2) fail('peArray', `expected [rows, cols], got ${JSON.stringify(o.peArray)}`);
        [k.peRows, k.peCols] = o.peArray;
      }
      // A factor on a missing or non-numeric field leaves it for parsePackage to report.
      if (o.macEnergyScale !== undefined && typeof k.macEnergyPj === 'number') k.macEnergyPj *= scale('macEnergyScale', o.macEnergyScale);
      if (o.bufferEnergyScale !== undefined && typeof k.bufferEnergyPjPerByte === 'number') k.bufferEnergyPjPerByte *= scale('bufferEnergyScale', o.bufferEnergyScale);
      if (o.staticPowerScale !== undefined && typeof k.staticPowerMw === 'number') k.staticPowerMw *= scale('staticPowerScale', o.staticPowerScale);
    }
  }
  return doc;
}

/**
 * Loads a package with overrides. The package's own checks run on the result; an error they
 * raise names the package file and field, and `fail` (the sweep spec) may rename it.
 */
export function loadPackageWith(file: string, o: PackageOverrides | undefined, fail?: (key: keyof PackageOverrides, detail: string) => never): Package {
  const json = readJsonFile(file);
  if (!o || Object.keys(o).length === 0) return parsePackage(file, json);
  const failHere = fail ?? ((key: keyof PackageOverrides, detail: string): never => {
    throw new Error(`override ${key}: ${detail}`);
  });
  return parsePackage(file, applyOverrides(json, o, failHere));
}
