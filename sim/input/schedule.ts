/**
 * Reads and writes schedule files (`mcmsim/schedule@1`): a list of jobs, each a layer of a
 * model for a range of its batch's samples on one chiplet, in execution order per chiplet,
 * optionally grouped into barrier windows. Names are checked against the scenario and package
 * when the schedule is lowered (sim/cost/program.ts), so a hand-edited file gets precise errors.
 */
import * as path from 'path';
import { Schedule, ScheduleJob } from './types';
import { deepFreeze, readJsonFile, topObject } from './json';
import { rangeViolation } from './ranges';

export function loadSchedule(file: string): Schedule {
  const top = topObject(file, readJsonFile(file), 'schedule', ['scenario', 'package', 'jobs'], ['strategy', 'note', 'estimate']);
  const jobNodes = top.get('jobs').arr(1);
  const tooMany = rangeViolation('schedule.jobs', jobNodes.length);
  if (tooMany) top.get('jobs').fail(`${jobNodes.length} jobs: ${tooMany.replace(/, got \d+$/, '')}`);
  const jobs: ScheduleJob[] = jobNodes.map((jn) => {
    const j = jn.obj(['layer', 'chiplet'], ['samples', 'window']);
    const layer = j.get('layer').str();
    if (!/^[^/]+\/[^/]+$/.test(layer)) j.get('layer').fail(`expected "model/layer", got "${layer}"`);
    let samples: [number, number] = [0, Number.POSITIVE_INFINITY];
    if (j.has('samples')) {
      const [a, b] = j.get('samples').pair('job.sample', '[from, to]');
      if (b <= a) j.get('samples').fail(`empty sample range [${a}, ${b})`);
      samples = [a, b];
    }
    return { layer, chiplet: j.get('chiplet').str(), samples, window: j.opt('window')?.ranged('job.window') ?? 0 };
  });
  return deepFreeze({
    file,
    strategy: top.opt('strategy')?.str() ?? 'hand',
    scenarioPath: top.get('scenario').str(),
    packagePath: top.get('package').str(),
    jobs,
  });
}

/** Resolves a path written in a schedule file against the schedule's folder. */
export function resolveFromSchedule(schedule: Schedule, p: string): string {
  return path.resolve(path.dirname(schedule.file), p);
}

/** The JSON text of a schedule (paths relative to where it will be written). */
export function scheduleToJson(
  s: { strategy: string; jobs: readonly ScheduleJob[] },
  scenarioFile: string,
  packageFile: string,
  outFile: string,
  estimate?: Record<string, number>,
): string {
  const dir = path.dirname(path.resolve(outFile));
  const rel = (f: string) => path.relative(dir, path.resolve(f)).split(path.sep).join('/');
  const doc = {
    schema: 'mcmsim/schedule@1',
    strategy: s.strategy,
    scenario: rel(scenarioFile),
    package: rel(packageFile),
    ...(estimate ? { estimate } : {}),
    jobs: s.jobs.map((j) => ({ layer: j.layer, chiplet: j.chiplet, samples: [j.samples[0], j.samples[1]], window: j.window })),
  };
  // One job per line keeps hand edits and diffs readable.
  const head = JSON.stringify({ ...doc, jobs: [] }, null, 2).replace(/"jobs": \[\]\n}$/, '"jobs": [\n');
  return head + doc.jobs.map((j) => '    ' + JSON.stringify(j)).join(',\n') + '\n  ]\n}\n';
}
