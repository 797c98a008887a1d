import * as fs from 'fs';
import * as path from 'path';
import { loadWorkload } from '../../sim/input/workload';
import { PUBLISHED } from '../../scripts/published';

const DIR = path.resolve(__dirname, '../../models/workloads');

describe('workloads against their published MAC and weight totals', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  test('every workload file has a reference entry', () => {
    expect(files.filter((f) => !PUBLISHED[f])).toEqual([]);
  });
  test.each(Object.keys(PUBLISHED).filter((n) => PUBLISHED[n].macs !== undefined || PUBLISHED[n].params !== undefined))('%s', (name) => {
    const w = loadWorkload(path.join(DIR, `${name}.json`));
    const macs = w.layers.reduce((s, l) => s + l.shape.macsPerSample, 0);
    const weights = w.layers.reduce((s, l) => s + l.shape.weightElems, 0);
    const pub = PUBLISHED[name];
    // Built from layer descriptions (xr_*): exact. From architectures: within 10 % (folded
    // biases, batch norm and embeddings are not counted).
    const tol = name.startsWith('xr_') ? 0 : 0.1;
    if (pub.macs !== undefined) expect(Math.abs(macs / pub.macs - 1)).toBeLessThanOrEqual(tol);
    if (pub.params !== undefined) expect(Math.abs(weights / pub.params - 1)).toBeLessThanOrEqual(tol);
  });
});
