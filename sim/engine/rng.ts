/**
 * The one source of randomness: a seeded Alea generator (seedrandom). Every random choice in
 * mcmsim takes an Rng built from the --seed option, so the same seed gives the same bytes.
 */
import seedrandom from 'seedrandom';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function makeRng(seed: string | number): Rng {
  const alea = seedrandom.alea(String(seed));
  return {
    next: () => alea(),
    int: (n: number) => Math.floor(alea() * n),
  };
}
