import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canonical, designKey, designPackageJson, enumerate, parseDesignKey, Space, symmetries } from '../../sim/experiments/explore-space';
import { loadExploreSpec } from '../../sim/input/explore-spec';
import { parsePackage } from '../../sim/input/package';
import { aggregate, paretoFront, DesignResult } from '../../sim/report/explore';
import { loadPackage } from '../../sim/input/package';
import { cli } from '../cli/incli';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'test/fixtures/explore');
const MINI = path.join(FIX, 'mini.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-explore-'));

const kind = (letter: string, pes = 1) => ({ name: letter.toLowerCase(), letter, choices: [{ peRows: pes, peCols: 1, bufferBytes: 1 }] });
const space = (rows: number, cols: number, dram: [number, number][][], kinds = [kind('W'), kind('O')], budget = {}): Space => ({ rows, cols, kinds, dram, budget });
const LEFT_RIGHT_3X3: [number, number][] = [[0, 0], [1, 0], [2, 0], [0, 2], [1, 2], [2, 2]];

describe('explore: design space', () => {
  test('canonical layouts counted by hand (Burnside: orbits = mean over the symmetries of the layouts each fixes)', () => {
    // 3x3, two kinds, DRAM on the left and right columns. The symmetries that keep that channel
    // set: identity, left-right mirror, top-bottom mirror, half turn (quarter turns and diagonal
    // mirrors move the channels to the top and bottom rows). Layouts fixed by each: identity 2^9
    // = 512; left-right mirror: columns 0 and 2 equal, 3 pairs + 3 middle cells = 6 free cells,
    // 2^6 = 64; top-bottom mirror likewise 64; half turn: the centre + 4 pairs = 5 free, 2^5 = 32.
    // (512 + 64 + 64 + 32) / 4 = 168.
    expect(enumerate(space(3, 3, [LEFT_RIGHT_3X3]))).toHaveLength(168);
    // One channel at the corner [0, 0]: only the identity and the main-diagonal mirror keep it;
    // the mirror fixes the 3 diagonal cells + 3 pairs = 6 free, 2^6. (512 + 64) / 2 = 288.
    expect(enumerate(space(3, 3, [[[0, 0]]]))).toHaveLength(288);
    // 2x2, channels at all four corners: all 8 symmetries of the square count. By number of O:
    // none 1, one 1, two 2 (adjacent, diagonal), three 1, four 1 = 6.
    expect(enumerate(space(2, 2, [[[0, 0], [0, 1], [1, 0], [1, 1]]]))).toHaveLength(6);
    // 2x2, channels on the left column: identity and top-bottom mirror. (16 + 4) / 2 = 10.
    expect(enumerate(space(2, 2, [[[0, 0], [1, 0]]]))).toHaveLength(10);
    // Two alternative channel sets, left column or right column: the left-right mirror now maps
    // one onto the other, so the 2 x 16 designs have the full 4-element group acting freely on
    // (layout, set) except where fixed: identity 32, top-bottom mirror 2 x 4 = 8, left-right
    // mirror and half turn swap the sets: 0. (32 + 8) / 4 = 10.
    expect(enumerate(space(2, 2, [[[0, 0], [1, 0]], [[0, 1], [1, 1]]]))).toHaveLength(10);
  });

  test('a design and its mirror images have one canonical form; quarter turns only when the DRAM allows', () => {
    const s = space(3, 3, [LEFT_RIGHT_3X3]);
    const syms = symmetries(s);
    const key = (k: string) => designKey(s, canonical(s, syms, parseDesignKey(s, k)!));
    expect(key('WWO/WOO/OOO')).toBe(key('OWW/OOW/OOO')); // left-right
    expect(key('WWO/WOO/OOO')).toBe(key('OOO/WOO/WWO')); // top-bottom
    // Quarter turn of WWW/OOO/OOO is WOO/WOO/WOO: not equivalent with side channels...
    expect(key('WWW/OOO/OOO')).not.toBe(key('WOO/WOO/WOO'));
    // ...but equivalent with channels at all four corners.
    const c = space(3, 3, [[[0, 0], [0, 2], [2, 0], [2, 2]]]);
    const cs = symmetries(c);
    expect(designKey(c, canonical(c, cs, parseDesignKey(c, 'WWW/OOO/OOO')!))).toBe(designKey(c, canonical(c, cs, parseDesignKey(c, 'WOO/WOO/WOO')!)));
  });

  test('budget: designs over it are not in the space (counted by hand)', () => {
    // 1x3, A = 100 PEs, B = 1 PE, channels at both ends (left-right mirror counts). Canonical:
    // AAA, AAB, ABA, ABB, BAB, BBB (BAA = AAB, BBA = ABB mirrored) = 6; at most 201 PEs leaves
    // out AAA (300): 5.
    const s = space(1, 3, [[[0, 0], [0, 2]]], [kind('A', 100), kind('B', 1)], { maxTotalPes: 201 });
    expect(enumerate({ ...s, budget: {} })).toHaveLength(6);
    expect(enumerate(s).map((d) => designKey(s, d)).sort()).toEqual(['AAB', 'ABA', 'ABB', 'BAB', 'BBB'].map((k) => designKey(s, canonical(s, symmetries(s), parseDesignKey(s, k)!))).sort());
  });

  test('alternatives per kind count only where the kind is used; the budget sees them (by hand)', () => {
    // 1x2, channels at both ends (the mirror counts). A has 4-PE and 1-PE alternatives, B one 1-PE.
    // Layouts AA, AB (= BA), BB; A's alternative matters when A is used: 2 + 2 + 1 = 5 designs.
    // At most 5 PEs: AA with 4-PE A (8 PEs) is out: 4.
    const A = { name: 'a', letter: 'A', choices: [{ peRows: 2, peCols: 2, bufferBytes: 1 }, { peRows: 1, peCols: 1, bufferBytes: 1 }] };
    const s = space(1, 2, [[[0, 0], [0, 1]]], [A, kind('B', 1)]);
    expect(enumerate(s).map((d) => designKey(s, d)).sort()).toEqual(['AA:0,0', 'AA:1,0', 'AB:0,0', 'AB:1,0', 'BB:0,0']);
    expect(enumerate({ ...s, budget: { maxTotalPes: 5 } }).map((d) => designKey(s, d)).sort()).toEqual(['AA:1,0', 'AB:0,0', 'AB:1,0', 'BB:0,0']);
  });

  test('spec: alternatives from vary, a design as a package file that loads', () => {
    const f = path.join(FIX, '.vary.json');
    fs.writeFileSync(f, JSON.stringify({ ...JSON.parse(fs.readFileSync(MINI, 'utf8')), vary: { peArrays: { ws: [[16, 16], [8, 32]] }, bufferBytes: { ws: [1048576, 2097152] } }, budget: { maxTotalPes: 1024 } }));
    try {
      const spec = loadExploreSpec(f);
      expect(spec.kinds.map((k) => k.choices.length)).toEqual([4, 1]);
      const d = parseDesignKey(spec, 'WO/WO:3,0')!;
      const pkg = parsePackage('design.json', designPackageJson(spec, d));
      expect(pkg.chiplets.map((c) => [c.kind.name, c.kind.peRows, c.kind.peCols, c.kind.bufferBytes])).toEqual([['ws', 8, 32, 2097152], ['os', 16, 16, 10485760], ['ws', 8, 32, 2097152], ['os', 16, 16, 10485760]]);
      expect(pkg.dram.channels.map((c) => c.chiplet)).toEqual([0, 2]);
    } finally {
      fs.unlinkSync(f);
    }
  });

  test('aggregate: weighted geometric means, EDP = latency x energy; Pareto front by hand', () => {
    const a = aggregate([{ latencyPs: 1e12, energyPj: 4e12 }, { latencyPs: 4e12, energyPj: 1e12 }], [1, 1]);
    expect(a.latencyS).toBeCloseTo(2, 12);
    expect(a.energyJ).toBeCloseTo(2, 12);
    expect(a.edpJs).toBeCloseTo(4, 12);
    // Weight 3 on the first: 1^(3/4) x 4^(1/4) = sqrt(2).
    expect(aggregate([{ latencyPs: 1e12, energyPj: 1e12 }, { latencyPs: 4e12, energyPj: 1e12 }], [3, 1]).latencyS).toBeCloseTo(Math.SQRT2, 12);
    const r = (key: string, latencyS: number, energyJ: number) => ({ key, latencyS, energyJ, pes: 1, bufferBytes: 1 }) as DesignResult;
    const front = paretoFront([r('a', 1, 5), r('b', 2, 2), r('c', 3, 3), r('d', 5, 1), r('e', 2, 2)]);
    expect(front.map((x) => x.key)).toEqual(['a', 'b', 'd', 'e']);
  });
});

describe('explore: command', () => {
  const run = async (...args: string[]) => {
    const r = await cli('explore', MINI, '--quiet', ...args);
    if (r.code !== 0) throw new Error(r.err);
    return r;
  };

  test('deterministic, --jobs 1 and 2 give the same report; shards merged equal the full run; --out-package loads and runs', async () => {
    const full = path.join(tmp, 'full.jsonl');
    const pkg = path.join(tmp, 'best.json');
    const a = await run('--json', '--jobs', '1', '--out', full, '--out-package', pkg);
    const b = await run('--json', '--jobs', '2');
    expect(b.out).toBe(a.out);
    const j = JSON.parse(a.out);
    expect(j.canonical).toBe(10);
    expect(j.evaluated).toBe(10);
    expect(j.references.map((x: { key: string }) => x.key)).toEqual(['OO/OO', 'baseline:explore_test_cb']);
    expect(j.top).toHaveLength(3);
    expect(j.top[0].sim.edpJs).toBeGreaterThan(0);
    // Resume: everything is in the file, nothing runs again, same bytes.
    const before = fs.readFileSync(full, 'utf8');
    expect(before.trim().split('\n')).toHaveLength(11);
    expect((await run('--json', '--jobs', '1', '--out', full)).out).toBe(a.out);
    expect(fs.readFileSync(full, 'utf8')).toBe(before);
    // Shards 0/2 and 1/2, merged.
    const shards = [0, 1].map((i) => path.join(tmp, `s${i}.jsonl`));
    for (const [i, f] of shards.entries()) await run('--shard', `${i}/2`, '--out', f, '--jobs', '1');
    expect(shards.map((f) => fs.readFileSync(f, 'utf8').trim().split('\n').length)).toEqual([6, 5]);
    expect((await run('--json', '--jobs', '1', '--merge', ...shards)).out).toBe(a.out);
    // The written package is a package: loads, and `run` takes it.
    expect(loadPackage(pkg).rows).toBe(2);
    const r = await cli('run', '--scenario', path.join(FIX, 'kws.json'), '--package', pkg, '--no-trace', '--json', '--quiet');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).analytical.edpJs).toBeCloseTo(j.top[0].edpJs, 15);
  }, 120_000);

  test('evolutionary search: the same seed gives the same report for --jobs 1 and 2', async () => {
    const ga = path.join(FIX, 'mini_ga.json');
    const a = await cli('explore', ga, '--quiet', '--json', '--jobs', '1', '--seed', '3');
    const b = await cli('explore', ga, '--quiet', '--json', '--jobs', '2', '--seed', '3');
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    const j = JSON.parse(a.out);
    expect(j.mode).toBe('evolutionary');
    // Population 4 from the 2 homogeneous designs and 2 random ones, then children: at most the 10 canonical designs.
    expect(j.evaluated).toBeGreaterThanOrEqual(4);
    expect(j.evaluated).toBeLessThanOrEqual(10);
  }, 120_000);

  test('bad specs: one line naming the file and field, exit 2', async () => {
    const spec = JSON.parse(fs.readFileSync(MINI, 'utf8'));
    const bad = async (name: string, patch: Record<string, unknown>) => {
      const f = path.join(FIX, `.bad-${name}.json`); // beside the fixtures: relative paths resolve
      fs.writeFileSync(f, JSON.stringify({ ...spec, ...patch }));
      try {
        return await cli('explore', f, '--quiet');
      } finally {
        fs.unlinkSync(f);
      }
    };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['kind', { kinds: ['ws', 'rs'] }, /\.bad-kind\.json: kinds\[1\]: unknown kind "rs" \(base_2x2\.json has os, ws\)/],
      ['budget', { budget: { maxTotalPes: 100 } }, /budget\.maxTotalPes: no design meets it: the smallest has 1024 PEs/],
      ['empty', { kinds: [] }, /kinds: expected at least 1 element/],
      ['field', { grdi: [2, 2] }, /grdi: unknown field/],
      ['grid', { grid: [2, 1] }, /baselines\[0\]: explore_test_cb is 2x2, the designs are 2x1/],
    ];
    for (const [name, patch, want] of cases) {
      const r = await bad(name, patch);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(want);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
