/**
 * What a trace says about the run that made it: which scenario, package, schedule and tool, so
 * a trace file found later can be traced back to its inputs. The schedule is identified by a
 * hash of its jobs (the same schedule gives the same hash wherever it is stored).
 */
import { createHash } from 'crypto';
import { Program } from '../cost/program';
import { Schedule } from '../input/types';
import { Args } from './timeline';
import { VERSION } from '../root';

/** mcmsim's version (package.json, found from the repository root, so dist/ builds know it too). */
export function mcmsimVersion(): string {
  return VERSION;
}

/** First 16 hex digits of the SHA-256 of the schedule's jobs (layer, chiplet, samples, window). */
export function scheduleHash(schedule: Schedule): string {
  const h = createHash('sha256');
  for (const j of schedule.jobs) h.update(`${j.layer}|${j.chiplet}|${j.samples[0]}:${j.samples[1]}|${j.window}\n`);
  return h.digest('hex').slice(0, 16);
}

export function runInfo(program: Program, schedule: Schedule, seed?: string): Args {
  const a: (string | number)[] = [
    'scenario', program.scenario.name,
    'package', program.pkg.name,
    'strategy', schedule.strategy,
  ];
  if (seed !== undefined) a.push('seed', seed);
  a.push('schedule_hash', scheduleHash(schedule), 'mcmsim_version', mcmsimVersion());
  return a;
}
