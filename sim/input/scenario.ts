/**
 * Loads a multi-model scenario (`mcmsim/scenario@1`). Workload paths are relative to the
 * scenario file; each workload file is read once even if several models use it.
 */
import * as path from 'path';
import { Scenario, ScenarioModel, Workload } from './types';
import { deepFreeze, readJsonFile, topObject } from './json';
import { rangeViolation } from './ranges';
import { loadWorkload } from './workload';
import { InputError } from './errors';

export function loadScenario(file: string): Scenario {
  const top = topObject(file, readJsonFile(file), 'scenario', ['name', 'models'], ['kind', 'note']);
  const name = top.get('name').str();
  const kind = (top.opt('kind')?.str(['datacenter', 'arvr', 'other']) ?? 'other') as Scenario['kind'];
  const cache = new Map<string, Workload>();
  const names = new Set<string>();
  const modelNodes = top.get('models').arr(1);
  const tooMany = rangeViolation('scenario.models', modelNodes.length);
  if (tooMany) top.get('models').fail(`${modelNodes.length} models: ${tooMany.replace(/, got \d+$/, '')}`);
  const models: ScenarioModel[] = modelNodes.map((mn) => {
    const m = mn.obj(['workload', 'batch'], ['name', 'priority', 'fps', 'latencySloMs']);
    const rel = m.get('workload').str();
    const wfile = path.resolve(path.dirname(file), rel);
    let workload = cache.get(wfile);
    if (!workload) {
      try {
        workload = loadWorkload(wfile);
      } catch (e) {
        // A missing workload file is the scenario's error: name the field that points at it.
        if (e instanceof InputError && e.detail === 'file not found') {
          m.get('workload').fail(`workload file "${rel}" not found (resolved to ${wfile})`);
        }
        if (e instanceof InputError && e.file === wfile && e.detail === 'is a folder, not a file') m.get('workload').fail(`"${rel}" is a folder, not a workload file`);
        throw e;
      }
      cache.set(wfile, workload);
    }
    const mname = m.opt('name')?.str() ?? workload.name;
    if (mname.includes('/')) m.get('name').fail('must not contain "/"');
    if (names.has(mname)) m.get(m.has('name') ? 'name' : 'workload').fail(`model name "${mname}" used twice; give each a distinct "name"`);
    names.add(mname);
    return {
      name: mname,
      workload,
      batch: m.get('batch').ranged('model.batch'),
      priority: m.opt('priority')?.ranged('model.priority') ?? 0,
      fps: m.opt('fps')?.ranged('model.fps') ?? 0,
      ...(m.has('latencySloMs') ? { latencySloMs: m.get('latencySloMs').ranged('model.latencySloMs') } : {}),
    };
  });
  return deepFreeze({ name, file, kind, models });
}
