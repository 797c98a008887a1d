import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { comparePackages } from '../../sim/report/packages';

const SMALL = path.resolve(__dirname, '../golden/small');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-cmp-'));

describe('compare: heterogeneous vs homogeneous', () => {
  test('reductions are 1 - EDP(best het) / EDP(hom), averaged per scenario kind', async () => {
    const het = path.join(SMALL, 'package.json');
    const doc = JSON.parse(fs.readFileSync(het, 'utf8'));
    const homFile = (df: string) => {
      const f = path.join(tmp, `${df}.json`);
      fs.writeFileSync(f, JSON.stringify({ ...doc, name: `${df}_2x2`, kinds: { [df]: doc.kinds[df] }, grid: [[df, df], [df, df]] }));
      return f;
    };
    const r = await comparePackages([path.join(SMALL, 'scenario.json')], [het, homFile('ws'), homFile('os')], { strategy: 'scar', seed: '1', scar: { windows: 2 } });
    const s = r.scenarios[0];
    expect(s.results.map((x) => [x.package, x.heterogeneous])).toEqual([['small_2x2', true], ['ws_2x2', false], ['os_2x2', false]]);
    const edp = (p: string) => s.results.find((x) => x.package === p)!.simulated.edpJs;
    for (const x of s.results) expect(x.simulated.edpJs).toBeCloseTo(x.simulated.energyPj * x.simulated.latencyPs * 1e-24, 20);
    expect(s.edpReductionVs.ws_2x2).toBeCloseTo(1 - edp('small_2x2') / edp('ws_2x2'), 12);
    expect(s.edpReductionVs.os_2x2).toBeCloseTo(1 - edp('small_2x2') / edp('os_2x2'), 12);
    const bestHom = Math.min(edp('ws_2x2'), edp('os_2x2'));
    expect(s.edpReductionSimulated).toBeCloseTo(1 - edp('small_2x2') / bestHom, 12);
    expect(r.averages).toEqual([expect.objectContaining({ kind: 'other', scenarios: 1, edpReductionSimulated: s.edpReductionSimulated })]);
  });
});
