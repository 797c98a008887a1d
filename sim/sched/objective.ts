/**
 * What a scheduler minimises (SCAR Section IV: latency search, energy search, EDP search). Every
 * strategy takes one of these and calls it wherever it compares two candidate schedules, so the
 * search code does not depend on which one is chosen.
 */
export const OBJECTIVES = ['edp', 'latency', 'energy'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** Lower is better. latencyPs: the candidate's makespan; energyPj: its total energy (dynamic + static). */
export type Objective = (latencyPs: number, energyPj: number) => number;

// Ties on the primary metric (equal latency, or equal energy) are broken by the other one with a
// weight far below one unit of the primary, so they never override it.
const TIE = 1e-9;

export const objectives: Record<ObjectiveName, Objective> = {
  edp: (latencyPs, energyPj) => latencyPs * energyPj,
  latency: (latencyPs, energyPj) => latencyPs + TIE * energyPj,
  energy: (latencyPs, energyPj) => energyPj + TIE * latencyPs,
};

export const objectiveOf = (name: ObjectiveName = 'edp'): Objective => objectives[name];
