/**
 * The design space of `mcmsim explore`: a design is a chiplet kind per grid position, an
 * alternative (PE array, buffer) per kind, and a DRAM channel set. Pure functions: keys,
 * symmetry, budget, enumeration, and the package JSON a design stands for.
 *
 * Symmetry. The cost model sees a package only through its kinds, the mesh and where the DRAM
 * channels attach, so a mirror image or rotation of a design is the same design: the grid's
 * symmetries (the 8 of the square for a square grid: 4 rotations and 4 mirrors; for a rectangle
 * the identity, the two mirrors and the half turn) applied to the kinds AND the DRAM channels.
 * A symmetry counts only when it maps the design's channel set onto one of the spec's channel
 * sets (so with channels on the left and right columns the left-right and top-bottom mirrors and
 * the half turn count, the quarter turns do not). The canonical form of a design is the image
 * with the smallest key (a string compare) over those symmetries; the search evaluates
 * canonical forms only. The scheduler itself breaks ties by chiplet index, so a design and its
 * mirror image may score a little differently; the canonical one is the one evaluated.
 */
import { ExploreSpec } from '../input/explore-spec';

export interface Design {
  /** Index into spec.kinds per position, row-major. */
  cells: number[];
  /** Index into spec.kinds[k].choices per kind (0 for a kind the layout does not use). */
  choice: number[];
  /** Index into spec.dram. */
  dram: number;
}

/** The parts of a spec the space depends on. */
export type Space = Pick<ExploreSpec, 'rows' | 'cols' | 'kinds' | 'dram' | 'budget'>;

/**
 * "WOW/OWO/WOW": the layout's letters, rows apart; then ":i,j" (each kind's alternative) when a
 * kind has more than one, and "@d" (the channel set) when there are several.
 */
export function designKey(s: Space, d: Design): string {
  let k = '';
  for (let r = 0; r < s.rows; r++) {
    if (r) k += '/';
    for (let c = 0; c < s.cols; c++) k += s.kinds[d.cells[r * s.cols + c]].letter;
  }
  if (s.kinds.some((x) => x.choices.length > 1)) k += ':' + d.choice.join(',');
  if (s.dram.length > 1) k += '@' + d.dram;
  return k;
}

/** The layout as rows of letters (for tables and pages). */
export function layoutRows(s: Space, d: Design): string[] {
  return Array.from({ length: s.rows }, (_, r) => d.cells.slice(r * s.cols, (r + 1) * s.cols).map((i) => s.kinds[i].letter).join(''));
}

type Transform = (r: number, c: number) => [number, number];

/** The grid's symmetries (identity first). */
export function gridSymmetries(rows: number, cols: number): Transform[] {
  const R = rows - 1;
  const C = cols - 1;
  const t: Transform[] = [(r, c) => [r, c], (r, c) => [r, C - c], (r, c) => [R - r, c], (r, c) => [R - r, C - c]];
  if (rows === cols) t.push((r, c) => [c, r], (r, c) => [C - c, R - r], (r, c) => [c, C - r], (r, c) => [C - c, r]);
  return t;
}

const setKey = (chs: readonly (readonly [number, number])[]) => chs.map(([r, c]) => `${r},${c}`).sort().join(' ');

/** Per symmetry: the cell permutation and, per channel set, the set it maps to (-1: none). */
export interface Symmetry {
  perm: number[];
  dramMap: number[];
}

export function symmetries(s: Space): Symmetry[] {
  const keys = s.dram.map(setKey);
  return gridSymmetries(s.rows, s.cols).map((t) => {
    const perm: number[] = [];
    for (let r = 0; r < s.rows; r++) for (let c = 0; c < s.cols; c++) {
      const [r2, c2] = t(r, c);
      perm.push(r2 * s.cols + c2);
    }
    const dramMap = s.dram.map((set) => keys.indexOf(setKey(set.map(([r, c]) => t(r, c)))));
    return { perm, dramMap };
  });
}

/** Alternatives of kinds the layout does not use are irrelevant: set them to 0. */
function normalised(d: Design): Design {
  const used = new Set(d.cells);
  return { cells: d.cells, choice: d.choice.map((x, k) => (used.has(k) ? x : 0)), dram: d.dram };
}

/** The design's canonical form (see the top of this file). */
export function canonical(s: Space, syms: readonly Symmetry[], d: Design): Design {
  let best = normalised(d);
  let bestKey = designKey(s, best);
  for (const sym of syms) {
    const dram = sym.dramMap[d.dram];
    if (dram < 0) continue;
    const cells = new Array<number>(d.cells.length);
    d.cells.forEach((k, i) => (cells[sym.perm[i]] = k));
    const img = { cells, choice: best.choice, dram };
    const key = designKey(s, img);
    if (key < bestKey) {
      best = img;
      bestKey = key;
    }
  }
  return best;
}

export function totals(s: Space, d: Design): { pes: number; bufferBytes: number } {
  let pes = 0;
  let bufferBytes = 0;
  for (const k of d.cells) {
    const c = s.kinds[k].choices[d.choice[k]];
    pes += c.peRows * c.peCols;
    bufferBytes += c.bufferBytes;
  }
  return { pes, bufferBytes };
}

export function withinBudget(s: Space, d: Design): boolean {
  const t = totals(s, d);
  return (s.budget.maxTotalPes === undefined || t.pes <= s.budget.maxTotalPes) && (s.budget.maxTotalBufferBytes === undefined || t.bufferBytes <= s.budget.maxTotalBufferBytes);
}

/** Designs before symmetry and budget: kinds^positions x alternatives per kind x channel sets. */
export function spaceSize(s: Space): number {
  return Math.pow(s.kinds.length, s.rows * s.cols) * s.kinds.reduce((a, k) => a * k.choices.length, 1) * s.dram.length;
}

/** Every canonical design within budget, in the order of their index in the space (deterministic). */
export function enumerate(s: Space): Design[] {
  const syms = symmetries(s);
  const n = s.rows * s.cols;
  const K = s.kinds.length;
  const total = spaceSize(s);
  const out: Design[] = [];
  for (let i = 0; i < total; i++) {
    let x = i;
    const dram = x % s.dram.length;
    x = Math.floor(x / s.dram.length);
    const choice = s.kinds.map((k) => {
      const c = x % k.choices.length;
      x = Math.floor(x / k.choices.length);
      return c;
    });
    const cells: number[] = [];
    for (let p = 0; p < n; p++) {
      cells.push(x % K);
      x = Math.floor(x / K);
    }
    const d = normalised({ cells, choice, dram });
    // Unused kinds' alternatives other than 0 are the same design: skip them.
    if (d.choice.some((c, k) => c !== choice[k])) continue;
    if (!withinBudget(s, d)) continue;
    if (designKey(s, canonical(s, syms, d)) === designKey(s, d)) out.push(d);
  }
  return out;
}

/** Every position the same kind (alternative 0, first channel set): the homogeneous packages. */
export function homogeneous(s: Space): Design[] {
  return s.kinds.map((_, k) => ({ cells: new Array(s.rows * s.cols).fill(k), choice: s.kinds.map(() => 0), dram: 0 }));
}

/**
 * The package file (JSON) a design stands for: the base package's JSON with the design's name,
 * kinds (only those used, with their alternative), grid and DRAM channels.
 */
export function designPackageJson(spec: Space & Pick<ExploreSpec, 'name' | 'baseJson'>, d: Design, name?: string): Record<string, unknown> {
  const base = structuredClone(spec.baseJson) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const used = [...new Set(d.cells)].sort((a, b) => a - b);
  const kinds: Record<string, unknown> = {};
  for (const k of used) {
    const kind = spec.kinds[k];
    kinds[kind.name] = { ...base.kinds[kind.name], ...kind.choices[d.choice[k]] };
  }
  const grid = Array.from({ length: spec.rows }, (_, r) => d.cells.slice(r * spec.cols, (r + 1) * spec.cols).map((k) => spec.kinds[k].name));
  return {
    schema: 'mcmsim/package@1',
    name: name ?? `${spec.name}:${designKey(spec, d)}`,
    note: `found by mcmsim explore (${spec.name}); kinds, NoP and DRAM timing from ${base.name}`,
    ...(base.elementBytes !== undefined ? { elementBytes: base.elementBytes } : {}),
    kinds,
    grid,
    nop: base.nop,
    dram: { ...base.dram, channels: spec.dram[d.dram] },
  };
}

/** The design whose key is `key` (as designKey writes it), or undefined. */
export function parseDesignKey(s: Space, key: string): Design | undefined {
  const m = /^([^:@]*)(?::([\d,]+))?(?:@(\d+))?$/.exec(key);
  if (!m) return undefined;
  const rows = m[1].split('/');
  if (rows.length !== s.rows || rows.some((r) => r.length !== s.cols)) return undefined;
  const cells = [...rows.join('')].map((ch) => s.kinds.findIndex((k) => k.letter === ch));
  if (cells.some((c) => c < 0)) return undefined;
  const choice = m[2] ? m[2].split(',').map(Number) : s.kinds.map(() => 0);
  const dram = m[3] ? Number(m[3]) : 0;
  if (choice.length !== s.kinds.length || choice.some((c, k) => !(c < s.kinds[k].choices.length)) || !(dram < s.dram.length)) return undefined;
  return { cells, choice, dram };
}
