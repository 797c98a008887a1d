/**
 * SCAR step 4: place each model's segments on a chain of neighbouring chiplets (consecutive
 * segments on grid neighbours, so activations cross one NoP hop); models never share a chiplet.
 * Exhaustive enumeration for small packages, a seeded evolutionary search for large ones, and
 * the snake-order layout (a boustrophedon walk split into consecutive runs) as a seed.
 */
import { Rng } from '../../engine/rng';

export interface Grid {
  rows: number;
  cols: number;
}

function neighbours(g: Grid, c: number): number[] {
  const r = Math.floor(c / g.cols);
  const col = c % g.cols;
  const out: number[] = [];
  if (col + 1 < g.cols) out.push(c + 1);
  if (col > 0) out.push(c - 1);
  if (r + 1 < g.rows) out.push(c + g.cols);
  if (r > 0) out.push(c - g.cols);
  return out;
}

/** The snake (boustrophedon) order of the grid: consecutive cells are neighbours. */
export function snakeOrder(g: Grid): number[] {
  const out: number[] = [];
  for (let r = 0; r < g.rows; r++) {
    for (let i = 0; i < g.cols; i++) out.push(r * g.cols + (r % 2 === 0 ? i : g.cols - 1 - i));
  }
  return out;
}

/** Chains of the given lengths as consecutive runs of the snake order. */
export function snakeChains(g: Grid, lengths: readonly number[]): number[][] {
  const order = snakeOrder(g);
  let at = 0;
  return lengths.map((n) => {
    const chain = order.slice(at, at + n);
    at += n;
    return chain;
  });
}

/**
 * Calls visit() for every assignment of disjoint simple paths with the given lengths (in that
 * order). Stops early when visit returns false. Returns the number of assignments visited.
 */
export function forEachChainAssignment(g: Grid, lengths: readonly number[], visit: (chains: number[][]) => boolean): number {
  const n = g.rows * g.cols;
  const used = new Uint8Array(n);
  const chains: number[][] = lengths.map(() => []);
  let count = 0;
  let stop = false;
  const extend = (m: number): void => {
    if (stop) return;
    if (m === lengths.length) {
      count++;
      if (!visit(chains.map((c) => [...c]))) stop = true;
      return;
    }
    const chain = chains[m];
    if (chain.length === lengths[m]) {
      extend(m + 1);
      return;
    }
    const candidates = chain.length === 0 ? Array.from({ length: n }, (_, i) => i) : neighbours(g, chain[chain.length - 1]);
    for (const c of candidates) {
      if (used[c]) continue;
      used[c] = 1;
      chain.push(c);
      extend(m);
      chain.pop();
      used[c] = 0;
      if (stop) return;
    }
  };
  extend(0);
  return count;
}

/** A random simple path of `length` cells avoiding `used` (null when none is found). */
export function randomChain(g: Grid, length: number, used: Uint8Array, rng: Rng, tries = 50): number[] | null {
  const n = g.rows * g.cols;
  for (let t = 0; t < tries; t++) {
    const start = rng.int(n);
    if (used[start]) continue;
    const chain = [start];
    const mine = new Set(chain);
    while (chain.length < length) {
      const free = neighbours(g, chain[chain.length - 1]).filter((c) => !used[c] && !mine.has(c));
      if (free.length === 0) break;
      const c = free[rng.int(free.length)];
      chain.push(c);
      mine.add(c);
    }
    if (chain.length === length) return chain;
  }
  return null;
}

export interface EvoOptions {
  population: number;
  generations: number;
  rng: Rng;
  onGeneration?: (gen: number, best: number) => void;
}

/**
 * Evolutionary search over chain assignments: tournament selection, a crossover that keeps
 * one parent's chains and fills conflicts from fresh random chains, mutation that regrows one
 * model's chain, and elitism (the best two survive). Minimises `fitness`.
 */
export function evolveChains(g: Grid, lengths: readonly number[], seeds: number[][][], fitness: (chains: number[][]) => number, o: EvoOptions): { chains: number[][]; fitness: number; evaluations: number } {
  const n = g.rows * g.cols;
  let evaluations = 0;
  const score = (c: number[][]) => {
    evaluations++;
    return fitness(c);
  };
  const regrow = (base: (number[] | null)[]): number[][] | null => {
    const used = new Uint8Array(n);
    for (const c of base) if (c) for (const x of c) used[x] = 1;
    const out: number[][] = [];
    for (let m = 0; m < lengths.length; m++) {
      let c = base[m];
      if (!c) {
        c = randomChain(g, lengths[m], used, o.rng);
        if (!c) return null;
        for (const x of c) used[x] = 1;
      }
      out.push(c);
    }
    return out;
  };
  let pop: { chains: number[][]; fit: number }[] = seeds.map((s) => ({ chains: s, fit: score(s) }));
  let guard = 0;
  while (pop.length < o.population && guard++ < o.population * 20) {
    const c = regrow(lengths.map(() => null));
    if (c) pop.push({ chains: c, fit: score(c) });
  }
  const pick = () => {
    let best = pop[o.rng.int(pop.length)];
    for (let i = 0; i < 2; i++) {
      const x = pop[o.rng.int(pop.length)];
      if (x.fit < best.fit) best = x;
    }
    return best;
  };
  for (let gen = 0; gen < o.generations; gen++) {
    pop.sort((a, b) => a.fit - b.fit);
    const next = pop.slice(0, 2);
    guard = 0;
    while (next.length < o.population && guard++ < o.population * 20) {
      const a = pick();
      const b = pick();
      // Crossover: each model's chain from a or b; drop chains that collide, regrow them.
      const taken = new Uint8Array(n);
      const child: (number[] | null)[] = lengths.map((_, m) => {
        const c = o.rng.next() < 0.5 ? a.chains[m] : b.chains[m];
        if (c.some((x) => taken[x])) return null;
        for (const x of c) taken[x] = 1;
        return c;
      });
      // Mutation: regrow one model's chain.
      if (o.rng.next() < 0.5 || child.every((c, m) => c === a.chains[m])) child[o.rng.int(lengths.length)] = null;
      const c = regrow(child);
      if (c) next.push({ chains: c, fit: score(c) });
    }
    pop = next;
    o.onGeneration?.(gen, Math.min(...pop.map((p) => p.fit)));
  }
  pop.sort((a, b) => a.fit - b.fit);
  return { chains: pop[0].chains, fitness: pop[0].fit, evaluations };
}
