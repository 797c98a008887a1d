import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { runUnits } from '../../sim/cli/pool';
import { InputError } from '../../sim/input/errors';
import { cli } from './incli';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = path.join(ROOT, 'test/golden/small');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-pool-'));
const het = path.join(SMALL, 'package.json');
const scenario = path.join(SMALL, 'scenario.json');

/** Homogeneous 2x2 variants of the small package. */
function hom(df: string): string {
  const doc = JSON.parse(fs.readFileSync(het, 'utf8'));
  const f = path.join(tmp, `${df}.json`);
  fs.writeFileSync(f, JSON.stringify({ ...doc, name: `${df}_2x2`, kinds: { [df]: doc.kinds[df] }, grid: [[df, df], [df, df]] }));
  return f;
}
const packages = [het, hom('ws'), hom('os')];

describe('worker pool', () => {
  test('results come back in unit order, equal to the in-process run', async () => {
    const units = packages.flatMap((p) => ['1', '2'].map((seed) => ({ scenario, package: p, strategy: 'greedy' as const, seed })));
    const seen: number[] = [];
    const pooled = await runUnits('package', units, { jobs: 2, onResult: (i) => void seen.push(i) });
    const inline = await runUnits('package', units, { jobs: 1 });
    expect(pooled.map((r) => r.package)).toEqual(['small_2x2', 'small_2x2', 'ws_2x2', 'ws_2x2', 'os_2x2', 'os_2x2']);
    const strip = (rs: typeof pooled) => rs.map(({ scheduleMs: _s, simulateMs: _m, ...r }) => r);
    expect(strip(pooled)).toEqual(strip(inline));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  }, 60_000);

  test('bad input in a worker is still an InputError naming the file (exit 2 in the CLI)', async () => {
    const missing = path.join(tmp, 'nope.json');
    const err = await runUnits('package', [{ scenario, package: het, strategy: 'greedy', seed: '1' }, { scenario, package: missing, strategy: 'greedy', seed: '1' }], { jobs: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`${missing}: (top level): file not found`);
  }, 60_000);

  test('compare prints the same bytes for --jobs 1 and --jobs 2', async () => {
    // --wide: every column, the EDPs too (the default text fits 100 columns and leaves them out).
    const args = ['compare', '--scenarios', scenario, '--packages', ...packages, '--windows', '2', '--quiet', '--wide'];
    const one = await cli(...args, '--jobs', '1');
    const two = await cli(...args, '--jobs', '2');
    expect(one.code).toBe(0);
    expect(two.out).toBe(one.out);
    expect(one.out).toMatch(/small\s+\S+e[-+]\d+/);
    expect((await cli(...args, '--jobs', '0')).err).toMatch(/--jobs must be a positive integer, got 0/);
  }, 60_000);

  test('the compiled CLI (dist/, built by npm ci and npm test) runs compare on worker threads, one progress line per unit', () => {
    const bin = path.join(ROOT, 'dist/sim/cli/main.js');
    expect(fs.existsSync(bin)).toBe(true);
    const args = [bin, 'compare', '--scenarios', scenario, '--packages', ...packages, '--windows', '2', '--jobs', '2'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: tmp });
    expect(r.stderr.split('\n').filter((l) => /^\[\d\/3\] scenario on /.test(l))).toHaveLength(3);
    expect(r.status).toBe(0);
    const quiet = spawnSync(process.execPath, [...args, '--quiet'], { encoding: 'utf8', cwd: tmp });
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(r.stdout);
    expect(r.stdout).toMatch(/^strategy scar, seed 1/);
  }, 60_000);
});
