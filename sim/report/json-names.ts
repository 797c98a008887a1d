/**
 * JSON output names the three estimates as the text and the plots do (format.ts ESTIMATES):
 * closedForm, listSchedule, simulated. The list schedule's fields were called "analytical"
 * before; each renamed key is still written, right after its new name and with the same value,
 * for one release (0.2.x) so scripts reading the old names keep working. README, "Reading the
 * output", lists them.
 */
export const RENAMED_KEYS: Readonly<Record<string, string>> = {
  analytical: 'listSchedule',
  analyticalPs: 'listSchedulePs',
  analyticalMs: 'listScheduleMs',
  analyticalEdpJs: 'listScheduleEdpJs',
  edpReductionAnalytical: 'edpReductionListSchedule',
};

/** JSON.stringify replacer: every object with an old key gets the new key first, then the old one (the alias). */
export function withNewNames(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.some(([k]) => k in RENAMED_KEYS)) return value;
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (k in RENAMED_KEYS) o[RENAMED_KEYS[k]] = v;
    o[k] = v;
  }
  return o;
}

/** A command's --json document: the new names and their aliases, two-space indented. */
export function jsonOut(value: unknown): string {
  return JSON.stringify(value, withNewNames, 2);
}
