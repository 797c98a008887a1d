/**
 * Per-model latency SLOs (a scenario model's `latencySloMs`: its whole batch must be done that
 * long after the scenario starts). The SCAR paper cannot express them (its stated limitation);
 * here a scheduler ranks every candidate by sloRank: any candidate that meets every SLO beats any
 * candidate that breaks one, and among candidates that break some, the least total violation
 * wins. A scheduler that ends up with a violating choice reports it with sloWarning.
 */
export interface SloCompletion {
  model: string;
  /** When the model's last job ends (or a lower bound on it, during a search). */
  completionPs: number;
  latencySloMs?: number;
}

const PS_PER_MS = 1e9;

/** Sum over models of how far each completes after its SLO, ps (0 when all are met). */
export function sloViolationPs(models: readonly SloCompletion[]): number {
  let v = 0;
  for (const m of models) if (m.latencySloMs) v += Math.max(0, m.completionPs - m.latencySloMs * PS_PER_MS);
  return v;
}

// Violating candidates rank above every objective value a schedule can have (a J*s EDP in
// pJ*ps is below 1e40), ordered among themselves by their violation.
const VIOLATION_BASE = 1e200;

/** The rank a search minimises: the objective when every SLO is met, else above all of those. */
export function sloRank(violationPs: number, score: number): number {
  return violationPs > 0 ? VIOLATION_BASE * (1 + violationPs / PS_PER_MS) : score;
}

/** One line naming every model that misses its SLO, or null. */
export function sloWarning(where: string, models: readonly SloCompletion[]): string | null {
  const missed = models.filter((m) => m.latencySloMs && m.completionPs > m.latencySloMs * PS_PER_MS);
  if (missed.length === 0) return null;
  const list = missed.map((m) => `${m.model} ${(m.completionPs / PS_PER_MS).toFixed(1)} ms > SLO ${m.latencySloMs} ms`).join(', ');
  return `warning: ${where}: no schedule meets every latency SLO; kept the least-violating one (${list})`;
}
