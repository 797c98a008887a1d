/**
 * Loads a multi-model scenario (`mcmsim/scenario@1`). Workload paths are relative to the
 * scenario file; each workload file is read once even if several models use it.
 */
import * as path from 'path';
import { Scenario, ScenarioModel, Workload } from './types';
import { Node, checkSchema, deepFreeze, readJsonFile } from './json';
import { loadWorkload } from './workload';
import { InputError } from './errors';

export function loadScenario(file: string): Scenario {
  const top = new Node(file, '', readJsonFile(file)).obj(['schema', 'name', 'models'], ['kind', 'note']);
  checkSchema(top, 'scenario');
  const name = top.get('name').str();
  const kind = (top.opt('kind')?.str(['datacenter', 'arvr', 'other']) ?? 'other') as Scenario['kind'];
  const cache = new Map<string, Workload>();
  const names = new Set<string>();
  const models: ScenarioModel[] = top.get('models').arr(1).map((mn) => {
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
      batch: m.get('batch').pos(),
      priority: m.opt('priority')?.num({ int: true, min: 0 }) ?? 0,
      fps: m.opt('fps')?.num({ min: 0 }) ?? 0,
      ...(m.has('latencySloMs') ? { latencySloMs: m.get('latencySloMs').num({ gt: 0 }) } : {}),
    };
  });
  return deepFreeze({ name, file, kind, models });
}
