/**
 * Loads a design-space exploration spec (`mcmsim/explore@1`): which package designs `mcmsim
 * explore` may consider and how it scores them. Paths are relative to the spec file.
 *
 *   base        a package file: chiplet kinds, NoP, DRAM timing and (default) DRAM positions
 *   scenarios   [{ "file": ..., "weight": w }]: a design's figures are the weighted geometric
 *               means over these (sim/experiments/explore.ts says why geometric)
 *   grid        [rows, cols] of the designs
 *   kinds       names of base's kinds a position may hold (at least one)
 *   vary        optional: peArrays / bufferBytes per kind (lists of alternatives), dram (a list
 *               of alternative channel sets, each a list of [row, col]); default: base's values
 *   budget      optional: maxTotalPes, maxTotalBufferBytes every design must meet
 *   baselines   package files scored the same way for comparison (e.g. Het-Sides, Het-CB)
 *   search      optional: exhaustiveLimit (designs before symmetry up to which the whole space
 *               is enumerated), population, generations (the evolutionary search above it)
 *   scar        optional: the SCAR options of a sweep spec (windows, topK, search, ...)
 *   topK        designs confirmed by simulation (default 5)
 */
import * as path from 'path';
import { InputError } from './errors';
import { Node, ObjNode, readJsonFile, topObject } from './json';
import { loadScenario } from './scenario';
import { parsePackage } from './package';
import { Package, Scenario } from './types';
import { scarOptions, SweepUnit } from './sweep';
import { rangeViolation } from './ranges';

export interface KindChoice {
  peRows: number;
  peCols: number;
  bufferBytes: number;
}

export interface ExploreSpec {
  file: string;
  name: string;
  baseFile: string;
  /** The base package's JSON (designs are written from it) and the package it parses to. */
  baseJson: Record<string, unknown>;
  base: Package;
  scenarios: { file: string; ref: string; weight: number; scenario: Scenario }[];
  rows: number;
  cols: number;
  /** Allowed kinds (names in base), with their letter for drawings and their alternatives. */
  kinds: { name: string; letter: string; choices: KindChoice[] }[];
  /** Alternative DRAM channel sets, each as written ([row, col] per channel). */
  dram: [number, number][][];
  budget: { maxTotalPes?: number; maxTotalBufferBytes?: number };
  baselines: { file: string; ref: string; name: string }[];
  exhaustiveLimit: number;
  population: number;
  generations: number;
  scar: SweepUnit['scar'];
  topK: number;
}

export const EXPLORE_DEFAULTS = { exhaustiveLimit: 4096, population: 24, generations: 30, topK: 5 } as const;

export function loadExploreSpec(file: string): ExploreSpec {
  const top = topObject(file, readJsonFile(file), 'explore', ['name', 'base', 'scenarios', 'grid', 'kinds', 'baselines'], ['vary', 'budget', 'search', 'scar', 'topK', 'note']);
  const dir = path.dirname(file);
  const name = top.get('name').str();
  const resolve = <T>(n: Node, load: (f: string) => T): { ref: string; resolved: string; value: T } => {
    const ref = n.str();
    const resolved = path.resolve(dir, ref);
    try {
      return { ref, resolved, value: load(resolved) };
    } catch (e) {
      if (e instanceof InputError && e.detail === 'file not found') n.fail(`"${ref}" not found (resolved to ${resolved})`);
      throw e;
    }
  };
  const baseN = resolve(top.get('base'), (f) => {
    const json = readJsonFile(f);
    return { json: json as Record<string, unknown>, pkg: parsePackage(f, json) };
  });
  const base = baseN.value.pkg;

  const scenarios = top.get('scenarios').arr(1).map((n) => {
    const o = n.obj(['file'], ['weight']);
    const s = resolve(o.get('file'), loadScenario);
    return { file: s.resolved, ref: s.ref, weight: o.opt('weight')?.num({ gt: 0 }) ?? 1, scenario: s.value };
  });

  const gridN = top.get('grid');
  const [rows, cols] = gridN.pair('package.chiplets', '[rows, cols]');
  const cellsWhy = rangeViolation('package.chiplets', rows * cols);
  if (cellsWhy) gridN.fail(`${rows}x${cols} grid: ${cellsWhy.replace(/, got \d+$/, '')}`);

  const kindNames = base.kinds.map((k) => k.name);
  const kindNodes = top.get('kinds').arr(1);
  const kindList = kindNodes.map((n) => {
    const v = n.value;
    if (typeof v === 'string' && !kindNames.includes(v)) n.fail(`unknown kind "${v}" (${path.basename(baseN.resolved)} has ${kindNames.join(', ')})`);
    return n.str(kindNames);
  });
  kindList.forEach((k, i) => {
    if (kindList.indexOf(k) !== i) kindNodes[i].fail(`kind "${k}" is listed twice`);
  });

  const vary = top.opt('vary')?.obj([], ['peArrays', 'bufferBytes', 'dram']);
  const perKind = (field: 'peArrays' | 'bufferBytes'): ObjNode | undefined => {
    const o = vary?.opt(field)?.obj([], Object.keys((vary.rec[field] as object) ?? {}));
    for (const k of Object.keys(o?.rec ?? {})) if (!kindList.includes(k)) o!.get(k).fail(`not one of the spec's kinds (${kindList.join(', ')})`);
    return o;
  };
  const arraysN = perKind('peArrays');
  const buffersN = perKind('bufferBytes');
  const letters = kindLetters(kindList);
  const kinds = kindList.map((kname, i) => {
    const k = base.kinds.find((x) => x.name === kname)!;
    const arrays = arraysN?.opt(kname)?.arr(1).map((n) => n.pair('kind.peRows', '[rows, cols]')) ?? [[k.peRows, k.peCols]];
    const buffers = buffersN?.opt(kname)?.arr(1).map((n) => n.ranged('kind.bufferBytes')) ?? [k.bufferBytes];
    const choices = arrays.flatMap(([peRows, peCols]) => buffers.map((bufferBytes) => ({ peRows, peCols, bufferBytes })));
    return { name: kname, letter: letters[i], choices };
  });

  const channelSet = (n: Node): [number, number][] => {
    const set = n.arr(1).map((c) => {
      const [r, col] = c.pair('dram.channelAt', '[row, col]');
      if (r >= rows || col >= cols) c.fail(`no chiplet at [${r}, ${col}] in a ${rows}x${cols} grid`);
      return [r, col] as [number, number];
    });
    const why = rangeViolation('dram.channels', set.length);
    if (why) n.fail(`${set.length} channels: ${why.replace(/, got \d+$/, '')}`);
    return set;
  };
  let dram: [number, number][][];
  const dramN = vary?.opt('dram');
  if (dramN) dram = dramN.arr(1).map(channelSet);
  else {
    dram = [base.dram.channels.map((ch) => [base.chiplets[ch.chiplet].row, base.chiplets[ch.chiplet].col] as [number, number])];
    if (dram[0].some(([r, c]) => r >= rows || c >= cols)) gridN.fail(`${rows}x${cols} grid leaves some of the base package's DRAM channels off the grid; give vary.dram`);
  }

  const budgetN = top.opt('budget')?.obj([], ['maxTotalPes', 'maxTotalBufferBytes', 'note']);
  const budget = {
    ...(budgetN?.has('maxTotalPes') ? { maxTotalPes: budgetN.get('maxTotalPes').pos() } : {}),
    ...(budgetN?.has('maxTotalBufferBytes') ? { maxTotalBufferBytes: budgetN.get('maxTotalBufferBytes').pos() } : {}),
  };
  // The cheapest design puts the smallest alternative of any kind on every position.
  const n = rows * cols;
  const minPes = n * Math.min(...kinds.flatMap((k) => k.choices.map((c) => c.peRows * c.peCols)));
  const minBuf = n * Math.min(...kinds.flatMap((k) => k.choices.map((c) => c.bufferBytes)));
  if (budget.maxTotalPes !== undefined && minPes > budget.maxTotalPes) budgetN!.get('maxTotalPes').fail(`no design meets it: the smallest has ${minPes} PEs`);
  if (budget.maxTotalBufferBytes !== undefined && minBuf > budget.maxTotalBufferBytes) budgetN!.get('maxTotalBufferBytes').fail(`no design meets it: the smallest has ${minBuf} buffer bytes`);

  const baselines = top.get('baselines').arr().map((bn) => {
    const b = resolve(bn, (f) => parsePackage(f, readJsonFile(f)));
    if (b.value.rows !== rows || b.value.cols !== cols) bn.fail(`${b.value.name} is ${b.value.rows}x${b.value.cols}, the designs are ${rows}x${cols}`);
    return { file: b.resolved, ref: b.ref, name: b.value.name };
  });

  const searchN = top.opt('search')?.obj([], ['exhaustiveLimit', 'population', 'generations']);
  const topKN = top.opt('topK');
  return {
    file, name, baseFile: baseN.resolved, baseJson: baseN.value.json, base, scenarios, rows, cols, kinds, dram, budget, baselines,
    exhaustiveLimit: searchN?.opt('exhaustiveLimit')?.pos() ?? EXPLORE_DEFAULTS.exhaustiveLimit,
    population: searchN?.opt('population')?.num({ int: true, min: 2, max: 10000 }) ?? EXPLORE_DEFAULTS.population,
    generations: searchN?.opt('generations')?.num({ int: true, min: 1, max: 100000 }) ?? EXPLORE_DEFAULTS.generations,
    scar: scarOptions(top.opt('scar')?.obj([], ['windows', 'topK', 'search', 'microBatches', 'population', 'generations'])),
    topK: topKN ? topKN.num({ int: true, min: 1, max: 100 }) : EXPLORE_DEFAULTS.topK,
  };
}

/** One capital letter per kind for layout drawings: the name's first letter, else its first unused one, else a digit. */
export function kindLetters(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n, i) => {
    const pick = [...n.toUpperCase()].find((c) => /[A-Z]/.test(c) && !used.has(c)) ?? String(i);
    used.add(pick);
    return pick;
  });
}
