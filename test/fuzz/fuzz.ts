/**
 * Fuzzed input files (issue #22 item 3): the shipped JSON inputs and ONNX fixtures, mutated
 * (bit flips, truncation, deleted / duplicated / unknown fields, swapped types, huge and tiny
 * numbers, deep nesting, wrong schema kinds) and run through the CLI. Each case must end with
 * exit 0 and valid output, or exit 2 and one line naming a file of the case (or a flag); never
 * an internal error, an exception, a hang or a blow-up. In process by default (fast);
 * `spawn` cases also run the compiled CLI (dist/) with a 10 s timeout and a 1 GiB heap.
 * Used by test/fuzz/fuzz.test.ts (500 cases) and scripts/robust.ts (20000).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { main } from '../../sim/cli/main';
import { makeRng, Rng } from '../../sim/engine/rng';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = path.join(ROOT, 'test/golden/small');

type Kind = 'package' | 'scenario' | 'workload' | 'small-workload' | 'schedule' | 'requests' | 'onnx';

interface Seed {
  kind: Kind;
  file: string;
}

/** The shipped inputs the mutations start from. */
function corpus(): Seed[] {
  const list = (dir: string, kind: Kind, ext = '.json') =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(ext)).map((f) => ({ kind, file: path.join(ROOT, dir, f) }));
  return [
    ...list('models/packages', 'package'),
    ...list('models/scenarios', 'scenario'),
    ...list('models/workloads', 'workload'),
    { kind: 'small-workload', file: path.join(SMALL, 'cnn.json') },
    { kind: 'small-workload', file: path.join(SMALL, 'attn.json') },
    { kind: 'package', file: path.join(SMALL, 'package.json') },
    { kind: 'schedule', file: path.join(SMALL, 'schedule.json') },
    { kind: 'requests', file: '' },
    ...list('test/fixtures/onnx', 'onnx', '.onnx'),
  ];
}

/** A small request file for `traffic` (ours: nothing of this kind is shipped). */
const REQUESTS = [
  { t_ns: 0, src: 'c0_0', dst: 'c1_1', bytes: 4096 },
  { t_ns: 5, src: 'dram0', dst: 'c0_1', bytes: 2048, addr: 0 },
  { t_ns: 10.5, src: 'c1_0', dst: 'dram0', bytes: 100 },
].map((r) => JSON.stringify(r)).join('\n') + '\n';

// ---------------------------------------------------------------------------------------------
// Mutations

type J = unknown;

const HUGE_AND_TINY = [1e308, -1e308, 1e-308, 5e-324, 0, -0, -1, 2 ** 53 + 2, 0.5, 1e-9, -2147483649];
/**
 * Huge numbers inside the documented ranges: a layer of 2^32 elements is accepted and its run
 * simulates tens of millions of packet events (8 s idle, 25 s on a loaded machine). The long
 * run (scripts/robust.ts) uses them; the jest suite, with its time budget, does not.
 */
const HEAVY = [2 ** 31, 1e9, 4294967296];

function paths(v: J, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, J>)[k], [...at, k], out);
  return out;
}

function getAt(v: J, p: (string | number)[]): J {
  return p.reduce<J>((x, k) => (x as Record<string | number, J>)[k], v);
}

function setAt(v: J, p: (string | number)[], x: J): J {
  if (p.length === 0) return x;
  const parent = getAt(v, p.slice(0, -1)) as Record<string | number, J>;
  parent[p[p.length - 1]] = x;
  return v;
}

function other(rng: Rng, v: J): J {
  const choices: J[] = ['x', '', 7, -3.5, true, null, [], {}, [1, 2], { a: 1 }, '1e3', '💥'];
  let x: J;
  do x = choices[rng.int(choices.length)];
  while (typeof x === typeof v && Array.isArray(x) === Array.isArray(v));
  return x;
}

function nest(depth: number, obj: boolean): J {
  let v: J = 1;
  for (let i = 0; i < depth; i++) v = obj ? { a: v } : [v];
  return v;
}

const SCHEMAS = ['mcmsim/package@1', 'mcmsim/workload@1', 'mcmsim/scenario@1', 'mcmsim/schedule@1', 'mcmsim/sweep@1', 'mcmsim/package@2', 'mcmsim/nothing@1', 'mcmsim/package', ''];

/** One structural mutation of a JSON document; returns its text and what was done. */
function mutateJson(rng: Rng, doc: J, heavy: boolean): { text: string; what: string } {
  const d = JSON.parse(JSON.stringify(doc)) as J;
  const ps = paths(d);
  const p = ps[rng.int(ps.length)];
  const here = p.join('.') || '(top)';
  switch (rng.int(9)) {
    case 0: {
      if (p.length === 0) return { text: '', what: 'empty file' };
      const parent = getAt(d, p.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
      else delete (parent as Record<string, J>)[p[p.length - 1] as string];
      return { text: JSON.stringify(d), what: `deleted ${here}` };
    }
    case 1: {
      // A duplicated key: JSON.parse keeps the last; the text has both.
      const text = JSON.stringify(d);
      const m = [...text.matchAll(/"([A-Za-z_]+)":/g)];
      if (m.length === 0) return { text, what: 'no key to duplicate' };
      const hit = m[rng.int(m.length)];
      return { text: text.slice(0, hit.index) + `"${hit[1]}": ${JSON.stringify(other(rng, null))}, ` + text.slice(hit.index), what: `duplicated key ${hit[1]}` };
    }
    case 2:
      return { text: JSON.stringify(setAt(d, p, other(rng, getAt(d, p)))), what: `swapped type at ${here}` };
    case 3: {
      const nums = ps.filter((q) => typeof getAt(d, q) === 'number');
      const q = nums.length ? nums[rng.int(nums.length)] : p;
      const xs = heavy ? [...HUGE_AND_TINY, ...HEAVY] : HUGE_AND_TINY;
      const x = xs[rng.int(xs.length)];
      return { text: JSON.stringify(setAt(d, q, x)), what: `number ${x} at ${q.join('.')}` };
    }
    case 4: {
      const depth = [50, 1000, 100000][rng.int(3)];
      // Built as text: JSON.stringify itself would recurse that deep.
      const inner = rng.int(2) === 0 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const marker = '"__NEST__"';
      return { text: JSON.stringify(setAt(d, p, '__NEST__')).replace(marker, inner), what: `nested ${depth} deep at ${here}` };
    }
    case 5: {
      if (d && typeof d === 'object' && !Array.isArray(d)) (d as Record<string, J>).schema = SCHEMAS[rng.int(SCHEMAS.length)];
      return { text: JSON.stringify(d), what: 'schema kind' };
    }
    case 6: {
      const objs = ps.filter((q) => { const v = getAt(d, q); return v !== null && typeof v === 'object' && !Array.isArray(v); });
      const q = objs.length ? objs[rng.int(objs.length)] : [];
      const o = getAt(d, q);
      if (o && typeof o === 'object') (o as Record<string, J>)[['extra', 'Name', 'name ', '__proto__', 'constructor'][rng.int(5)]] = 1;
      return { text: JSON.stringify(d), what: `unknown field in ${q.join('.') || '(top)'}` };
    }
    case 7: {
      const arrs = ps.filter((q) => Array.isArray(getAt(d, q)));
      const q = arrs.length ? arrs[rng.int(arrs.length)] : p;
      const a = getAt(d, q);
      if (Array.isArray(a) && a.length) {
        if (rng.int(2)) a.length = 0;
        else a.push(...a.slice(0, 3));
      }
      return { text: JSON.stringify(d), what: `array emptied or grown at ${q.join('.')}` };
    }
    default: {
      const strs = ps.filter((q) => typeof getAt(d, q) === 'string');
      const q = strs.length ? strs[rng.int(strs.length)] : p;
      const s = ['', ' ', '../../../../etc/passwd', 'a/b', '\u0000', 'x'.repeat(100000), '/', '.', 'dram0', 'c9_9'][rng.int(10)];
      return { text: JSON.stringify(setAt(d, q, s)), what: `string ${JSON.stringify(s.slice(0, 20))} at ${q.join('.')}` };
    }
  }
}

/** One byte-level mutation: bit flips, truncation, a run of bytes zeroed or repeated. */
function mutateBytes(rng: Rng, buf: Buffer): { bytes: Buffer; what: string } {
  const b = Buffer.from(buf);
  switch (rng.int(4)) {
    case 0: {
      const n = 1 + rng.int(8);
      for (let i = 0; i < n; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
      return { bytes: b, what: `${n} bit flips` };
    }
    case 1: {
      const at = rng.int(b.length);
      return { bytes: b.subarray(0, at), what: `truncated at ${at} of ${b.length}` };
    }
    case 2: {
      const at = rng.int(b.length);
      b.fill(rng.int(2) ? 0 : 0xff, at, Math.min(b.length, at + 1 + rng.int(64)));
      return { bytes: b, what: `bytes overwritten at ${at}` };
    }
    default: {
      const at = rng.int(b.length);
      const len = 1 + rng.int(256);
      return { bytes: Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]), what: `${len} bytes repeated at ${at}` };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cases

export interface FuzzCase {
  index: number;
  seed: Seed;
  what: string;
  dir: string;
  /** The mutated file. */
  file: string;
  argv: string[];
  /** Output to check on exit 0. */
  check: (out: string) => string | null;
}

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const jsonOut = (key: (o: Record<string, unknown>) => unknown) => (out: string): string | null => {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(out);
  } catch {
    return `stdout is not JSON: ${out.slice(0, 80)}`;
  }
  return finite(key(o)) ? null : `output has no finite result: ${out.slice(0, 120)}`;
};

/** Writes the case's files (the mutated one and what it needs) into dir; returns the command. */
function makeCase(index: number, seed: Seed, rng: Rng, dir: string, heavy: boolean): FuzzCase {
  fs.mkdirSync(dir, { recursive: true });
  const base = seed.file ? path.basename(seed.file) : 'requests.jsonl';
  const file = path.join(dir, seed.kind === 'scenario' ? path.join('scenarios', base) : base);
  let what: string;
  if (seed.kind === 'onnx') {
    const m = mutateBytes(rng, fs.readFileSync(seed.file));
    fs.writeFileSync(file, m.bytes);
    what = m.what;
  } else {
    const text = seed.kind === 'requests' ? REQUESTS : fs.readFileSync(seed.file, 'utf8');
    if (rng.int(5) === 0) {
      const m = mutateBytes(rng, Buffer.from(text));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, m.bytes);
      what = m.what;
    } else if (seed.kind === 'requests') {
      const lines = text.trim().split('\n');
      const i = rng.int(lines.length);
      const m = mutateJson(rng, JSON.parse(lines[i]), heavy);
      lines[i] = m.text.replace(/\n/g, ' ');
      fs.writeFileSync(file, lines.join('\n') + '\n');
      what = `line ${i + 1}: ${m.what}`;
    } else {
      const m = mutateJson(rng, JSON.parse(text), heavy);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, m.text);
      what = m.what;
    }
  }
  const small = (f: string) => {
    const dst = path.join(dir, f);
    if (!fs.existsSync(dst)) fs.copyFileSync(path.join(SMALL, f), dst);
    return dst;
  };
  const run = (scenario: string, pkg: string) => ['run', '--scenario', scenario, '--package', pkg, '--strategy', 'greedy', '--no-trace', '--json', '--quiet'];
  const simulated = jsonOut((o) => (o.simulated as Record<string, unknown> | undefined)?.latencyPs);
  switch (seed.kind) {
    case 'package':
      small('cnn.json');
      small('attn.json');
      if (index % 4 === 3) return { index, seed, what, dir, file, argv: ['traffic', '--package', file, '--requests', writeRequests(dir), '--json', '--quiet'], check: jsonOut((o) => o.endNs) };
      return { index, seed, what, dir, file, argv: run(small('scenario.json'), file), check: simulated };
    case 'scenario': {
      // The shipped workloads stand in as small ones of the same names (the scenario is fuzzed).
      const wdir = path.join(dir, 'workloads');
      fs.mkdirSync(wdir, { recursive: true });
      const cnn = JSON.parse(fs.readFileSync(path.join(SMALL, 'cnn.json'), 'utf8'));
      for (const w of fs.readdirSync(path.join(ROOT, 'models/workloads'))) fs.writeFileSync(path.join(wdir, w), JSON.stringify({ ...cnn, name: w.replace(/\.json$/, '') }));
      return { index, seed, what, dir, file, argv: run(file, small('package.json')), check: simulated };
    }
    case 'workload': {
      // Big shipped workloads: loaded and one layer costed (a full run would take seconds).
      const first = (JSON.parse(fs.readFileSync(seed.file, 'utf8')).layers[0] as { name: string }).name;
      return { index, seed, what, dir, file, argv: ['cost', '--layer', `${file}#${first}`, '--dataflow', ['ws', 'os', 'rs'][index % 3], '--json', '--quiet'], check: jsonOut((o) => o.latencyCycles) };
    }
    case 'small-workload': {
      const other = base === 'cnn.json' ? 'attn.json' : 'cnn.json';
      small(other);
      return { index, seed, what, dir, file, argv: run(small('scenario.json'), small('package.json')), check: simulated };
    }
    case 'schedule':
      for (const f of ['scenario.json', 'package.json', 'cnn.json', 'attn.json']) small(f);
      return { index, seed, what, dir, file, argv: ['simulate', '--schedule', file, '--json', '--quiet'], check: simulated };
    case 'requests':
      return { index, seed, what, dir, file, argv: ['traffic', '--package', small('package.json'), '--requests', file, '--json', '--quiet'], check: jsonOut((o) => o.endNs) };
    case 'onnx': {
      const out = path.join(dir, 'imported.json');
      return {
        index, seed, what, dir, file, argv: ['import', 'onnx', file, '--out', out, '--seq-len', '16', '--quiet', '--json'],
        check: () => (fs.existsSync(out) ? null : 'exit 0 but no workload written'),
      };
    }
  }
}

function writeRequests(dir: string): string {
  const f = path.join(dir, 'requests.jsonl');
  fs.writeFileSync(f, REQUESTS);
  return f;
}

/** Builds case i of a run (deterministic in seed and i). */
export function fuzzCase(seed: number, i: number, dir: string, heavy = true): FuzzCase {
  const seeds = CORPUS;
  const rng = makeRng(`fuzz-${seed}-${i}`);
  // A kind first, then a file of it: each kind gets its share whatever its number of files.
  const kinds = [...new Set(seeds.map((s) => s.kind))];
  const kind = kinds[rng.int(kinds.length)];
  const of = seeds.filter((s) => s.kind === kind);
  return makeCase(i, of[rng.int(of.length)], rng, dir, heavy);
}

const CORPUS = corpus();

// ---------------------------------------------------------------------------------------------
// Oracle

export interface Outcome {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** Why an outcome is wrong, or null. */
export function judge(c: FuzzCase, r: Outcome): string | null {
  if (r.ms > 10_000) return `took ${(r.ms / 1000).toFixed(1)} s (limit 10 s)`;
  if (r.code === 0) return c.check(r.out);
  if (r.code !== 2) return `exit ${r.code}: ${r.err.slice(0, 300)}`;
  const lines = r.err.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) return `exit 2 with ${lines.length} lines on stderr: ${r.err.slice(0, 300)}`;
  if (!lines[0].startsWith('mcmsim: error: ')) return `exit 2 without "mcmsim: error: ": ${lines[0].slice(0, 200)}`;
  // Names a file of the case, a file one of them points at (it exists: e.g. a scenario's
  // workload path mutated to /etc/passwd is that file's error), or a flag.
  const named = /^mcmsim: error: (.+?): /.exec(lines[0])?.[1] ?? '';
  if (!lines[0].includes(c.dir) && !/--\w/.test(lines[0]) && !(named.startsWith('/') && fs.existsSync(named))) return `the error names no file of the case: ${lines[0].slice(0, 300)}`;
  if (lines[0].length > 1500) return `a ${lines[0].length}-character error line`;
  return null;
}

/** Runs the CLI in this process, capturing its output. */
export async function runInProcess(argv: string[]): Promise<Outcome> {
  let out = '';
  let err = '';
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  const t0 = Date.now();
  let code: number | null;
  try {
    code = await main(argv);
  } catch (e) {
    code = null;
    err += `exception escaped main: ${(e as Error).stack}`;
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
  return { code, out, err, ms: Date.now() - t0 };
}

/** Runs the compiled CLI in a child process: 10 s timeout, 1 GiB heap. */
export function runSpawned(argv: string[]): Outcome {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=1024', path.join(ROOT, 'dist/sim/cli/main.js'), ...argv], { encoding: 'utf8', timeout: 10_000, maxBuffer: 64 << 20 });
  const ms = Date.now() - t0;
  if (r.error || r.signal) return { code: null, out: r.stdout ?? '', err: `killed (${r.signal ?? r.error?.message}) after ${ms} ms`, ms };
  if (/\n\s+at .+\(.*:\d+:\d+\)/.test(r.stderr)) return { code: r.status, out: r.stdout, err: `stack trace: ${r.stderr}`, ms };
  return { code: r.status, out: r.stdout, err: r.stderr, ms };
}

export interface FuzzResult {
  seed: number;
  cases: number;
  spawned: number;
  exit0: number;
  exit2: number;
  byKind: Record<string, number>;
  slowestMs: number;
  failures: { index: number; kind: string; seedFile: string; what: string; argv: string[]; why: string }[];
}

/** Runs `runs` cases (the first `spawn` of them also through the compiled CLI). */
export async function runFuzz(opts: { runs: number; seed: number; spawn?: number; heavy?: boolean; onProgress?: (m: string) => void }): Promise<FuzzResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-fuzz-'));
  const r: FuzzResult = { seed: opts.seed, cases: 0, spawned: 0, exit0: 0, exit2: 0, byKind: {}, slowestMs: 0, failures: [] };
  const spawnEvery = opts.spawn ? Math.max(1, Math.floor(opts.runs / opts.spawn)) : 0;
  try {
    for (let i = 0; i < opts.runs; i++) {
      const dir = path.join(tmp, `c${i}`);
      const c = fuzzCase(opts.seed, i, dir, opts.heavy ?? true);
      const fail = (why: string) => r.failures.push({ index: i, kind: c.seed.kind, seedFile: path.relative(ROOT, c.seed.file), what: c.what, argv: c.argv.map((a) => a.replace(tmp, '$TMP')), why: why.replace(new RegExp(tmp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '$TMP') });
      const o = await runInProcess(c.argv);
      r.cases++;
      r.byKind[c.seed.kind] = (r.byKind[c.seed.kind] ?? 0) + 1;
      r.slowestMs = Math.max(r.slowestMs, o.ms);
      if (o.code === 0) r.exit0++;
      if (o.code === 2) r.exit2++;
      const why = judge(c, o);
      if (why) fail(why);
      if (spawnEvery && i % spawnEvery === 0) {
        const s = runSpawned(c.argv);
        r.spawned++;
        const w = judge(c, s) ?? (s.code !== o.code ? `compiled CLI exit ${s.code}, in process ${o.code}` : null);
        if (w) fail(`compiled: ${w}`);
      }
      fs.rmSync(dir, { recursive: true, force: true });
      if (opts.onProgress && (i + 1) % 500 === 0) opts.onProgress(`${i + 1} of ${opts.runs} fuzz cases, ${r.failures.length} failing`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return r;
}
