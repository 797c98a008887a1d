/**
 * Issue 12's "Failures seen": each bad input, the exact one-line message and exit code 2.
 * (scripts/bad-inputs.ts runs a larger corpus through the real CLI.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { cli } from './incli';
import { loadWorkload } from '../../sim/input/workload';
import { RANGES } from '../../sim/input/ranges';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = path.join(ROOT, 'test/golden/small');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-bad-'));


const json = (f: string) => JSON.parse(fs.readFileSync(path.join(SMALL, f), 'utf8'));
const put = (name: string, content: string | Buffer | object) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return f;
};
for (const f of ['cnn.json', 'attn.json', 'scenario.json', 'package.json']) fs.copyFileSync(path.join(SMALL, f), path.join(tmp, f));
const SCEN = path.join(tmp, 'scenario.json');
const PKG = path.join(tmp, 'package.json');

/** Expects exit 2 and exactly `line` (one line) on stderr. */
async function expectError(argv: string[], line: string): Promise<void> {
  const r = await cli(...argv, '--quiet');
  expect(r.err).toBe(`mcmsim: error: ${line}\n`);
  expect(r.code).toBe(2);
}

const withLayer = (i: number, change: object) => {
  const w = json('cnn.json');
  w.layers[i] = { ...w.layers[i], ...change };
  return w;
};
const pkgWith = (f: (p: ReturnType<typeof json>) => void) => {
  const p = json('package.json');
  f(p);
  return p;
};
const scenarioFor = (workload: string, batch = 3) => put(`s-${path.basename(workload)}`, { schema: 'mcmsim/scenario@1', name: 's', models: [{ workload, batch }] });

describe('values so large they allocate without bound: documented ranges, checked at load', () => {
  test('outChannels 1e308', async () => {
    const w = put('w-huge.json', withLayer(0, { outChannels: 1e308 }));
    await expectError(['run', '--scenario', scenarioFor(w), '--package', PKG, '--no-trace'], `${w}: layers[0].outChannels: must be <= 1048576 channels (the documented sane range), got 1e+308`);
  });
  test('a batch of 1e308', async () => {
    const s = put('s-batch.json', { schema: 'mcmsim/scenario@1', name: 's', models: [{ workload: 'cnn.json', batch: 1e308 }] });
    await expectError(['run', '--scenario', s, '--package', PKG, '--no-trace'], `${s}: models[0].batch: must be <= 65536 samples (the documented sane range), got 1e+308`);
  });
  test('a hop latency of 1e308', async () => {
    const p = put('p-hop.json', pkgWith((x) => (x.nop.hopLatencyNs = 1e308)));
    await expectError(['run', '--scenario', SCEN, '--package', p, '--no-trace'], `${p}: nop.hopLatencyNs: must be <= 1000000 ns (the documented sane range), got 1e+308`);
  });
  test('router NoP fields: an unknown model, a flit larger than a packet, a buffer smaller than a flit', async () => {
    const m = put('p-nopmodel.json', pkgWith((x) => (x.nop.model = 'mesh')));
    await expectError(['run', '--scenario', SCEN, '--package', m, '--no-trace'], `${m}: nop.model: expected one of router, link, got "mesh"`);
    const f = put('p-flit.json', pkgWith((x) => Object.assign(x.nop, { packetBytes: 1024, flitBytes: 2048 })));
    await expectError(['run', '--scenario', SCEN, '--package', f, '--no-trace'], `${f}: nop.flitBytes: 2048 bytes: a flit cannot be larger than a packet (packetBytes 1024)`);
    const b = put('p-buf.json', pkgWith((x) => (x.nop.bufferBytes = 32)));
    await expectError(['run', '--scenario', SCEN, '--package', b, '--no-trace'], `${b}: nop.bufferBytes: 32 bytes: a router input buffer must hold at least one flit (flitBytes 64)`);
  });
  test('peRows 1e308', async () => {
    const p = put('p-pe.json', pkgWith((x) => (x.kinds.ws.peRows = 1e308)));
    await expectError(['run', '--scenario', SCEN, '--package', p, '--no-trace'], `${p}: kinds.ws.peRows: must be <= 4096 PEs (the documented sane range), got 1e+308`);
  });
  test('a 1000x1000 package is refused before its rows are read', async () => {
    const p = put('p-1000.json', pkgWith((x) => (x.grid = Array.from({ length: 1000 }, () => new Array(1000).fill('ws')))));
    await expectError(['run', '--scenario', SCEN, '--package', p, '--no-trace'], `${p}: grid: 1000x1000 grid: must be <= 256 chiplets (rows x cols) (the documented sane range)`);
  });
  test('every range is documented in models/README.md', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'models/README.md'), 'utf8');
    for (const key of Object.keys(RANGES)) expect([key, doc.includes(`\`${key}\``)]).toEqual([key, true]);
  });
});

describe('repeated or conflicting flags', () => {
  test('--trace a --trace b', async () => {
    await expectError(['run', '--scenario', SCEN, '--package', PKG, '--trace', 'a.pftrace', '--trace', 'b.pftrace'], '--trace given 2 times ("a.pftrace", "b.pftrace"); give it once');
  });
  test('--no-trace --trace x', async () => {
    await expectError(['run', '--scenario', SCEN, '--package', PKG, '--no-trace', '--trace', 'x.pftrace'], '--trace and --no-trace conflict; give one of them');
  });
  test('--out a --out b', async () => {
    await expectError(['schedule', '--scenario', SCEN, '--package', PKG, '--out', 'a.json', '--out', 'b.json'], '--out given 2 times ("a.json", "b.json"); give it once');
  });
  test('--scenario twice', async () => {
    await expectError(['run', '--scenario', SCEN, '--scenario', SCEN, '--package', PKG, '--no-trace'], `--scenario given 2 times ("${SCEN}", "${SCEN}"); give it once`);
  });
});

describe('what feeds a layer is checked against what it reads', () => {
  test('an FC with 1000 inputs fed by a 64-value pool', async () => {
    const w = put('w-fc.json', withLayer(5, { inFeatures: 1000 }));
    expect(json('cnn.json').layers[4]).toMatchObject({ op: 'pool', channels: 64, kernel: 32 });
    await expectError(['run', '--scenario', scenarioFor(w), '--package', PKG, '--no-trace'], `${w}: layers[5]: reads tokens x inFeatures = 1x1000, but its producer (pool) outputs 64x1x1`);
  });
  test('every shipped workload passes the check', () => {
    for (const f of fs.readdirSync(path.join(ROOT, 'models/workloads'))) expect(() => loadWorkload(path.join(ROOT, 'models/workloads', f))).not.toThrow();
  });
});

describe('errors blame the right file, on one line', () => {
  test('a tiny package bandwidth is the package\'s error, not a layer that fits no buffer', async () => {
    const p = put('p-bw.json', pkgWith((x) => (x.nop.linkBandwidthGBps = 1e-300)));
    await expectError(['run', '--scenario', SCEN, '--package', p, '--no-trace'], `${p}: nop.linkBandwidthGBps: must be >= 0.001 GB/s, got 1e-300`);
  });
  test('a UTF-8 byte-order mark is accepted', async () => {
    const w = put('w-bom.json', '\ufeff' + fs.readFileSync(path.join(SMALL, 'cnn.json'), 'utf8'));
    expect(loadWorkload(w).layers).toHaveLength(6);
  });
  test('a NaN literal: line and column, one line', async () => {
    const w = put('w-nan.json', '{\n  "schema": "mcmsim/workload@1",\n  "name": "w",\n  "layers": [{"name": "a", "op": "eltwise", "elements": NaN}]\n}\n');
    await expectError(['run', '--scenario', scenarioFor(w), '--package', PKG, '--no-trace'], `${w}: (top level): malformed JSON at line 4, column 57: expected a value, got "N" (JSON has no NaN or Infinity; write a number)`);
  });
  test('the argument parser\'s "Invalid values" on one line', async () => {
    await expectError(['run', '--strategy', 'magic'], 'Invalid values: Argument: strategy, Given: "magic", Choices: "scar", "greedy", "exhaustive", "standalone"');
  });
  test('output-path errors name the flag and the user\'s path (not the temporary file), before any work', async () => {
    put('afile', 'x');
    const out = path.join(tmp, 'afile', 's.json');
    await expectError(['schedule', '--scenario', SCEN, '--package', PKG, '--out', out], `--out ${out}: ${path.join(tmp, 'afile')} is a file, not a folder`);
    // Traces say the same (one output module): the user's path, not the temporary file or its folder.
    const trace = path.join(tmp, 'afile', 't.pftrace');
    await expectError(['run', '--scenario', SCEN, '--package', PKG, '--trace', trace], `--trace ${trace}: ${path.join(tmp, 'afile')} is a file, not a folder`);
    const deep = path.join(tmp, 'no', 'such', 't.pftrace');
    await expectError(['run', '--scenario', SCEN, '--package', PKG, '--trace', deep], `--trace ${deep}: no folder ${path.join(tmp, 'no', 'such')} (mcmsim makes only a missing last folder level, and ${path.join(tmp, 'no')} does not exist either)`);
    await expectError(['run', '--scenario', SCEN, '--package', PKG, '--trace', tmp], `--trace ${tmp}: is a folder; give a file name`);
  });
  test('a scenario passed as --package is the wrong kind of file', async () => {
    await expectError(['run', '--scenario', SCEN, '--package', SCEN, '--no-trace'], `${SCEN}: schema: this is a scenario file, expected a package file ("mcmsim/package@1")`);
  });
  test('binary garbage is named, never echoed', async () => {
    const w = put('w-bin.json', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 256)));
    await expectError(['run', '--scenario', scenarioFor(w), '--package', PKG, '--no-trace'], `${w}: (top level): not a JSON text file (binary data)`);
  });
});

describe('a file flag given an empty string: one line naming the flag, exit 2', () => {
  // Before: "mcmsim: error: : (top level): file not found", ": cannot write (it is a folder, EISDIR)",
  // or no output at all (--trace '', --html '' were taken as "not given").
  const cases: [string[], string][] = [
    [['run', '--scenario', ''], '--scenario'],
    [['run', '--package', '', '--no-trace'], '--package'],
    [['run', '--scenario', SCEN, '--package', PKG, '--trace', ''], '--trace'],
    [['run', '--scenario', SCEN, '--package', PKG, '--no-trace', '--chrome-trace', ''], '--chrome-trace'],
    [['schedule', '--scenario', SCEN, '--package', PKG, '--out', ''], '--out'],
    [['validate', '--schedule', ''], '--schedule'],
    [['validate', '--scenario', SCEN, '--package', PKG, '--html', ''], '--html'],
    [['compare', '--scenarios', SCEN, '', '--packages', PKG], '--scenarios'],
    [['sweep', '', '--out', path.join(tmp, 'r.jsonl')], '<spec>'],
    [['import', 'onnx', '', '--out', path.join(tmp, 'w.json')], '<model>'],
    [['validate', '--scenario', SCEN, '--package', PKG, '--html'], '--html'], // no value at all
  ];
  for (const [argv, flag] of cases) {
    test(`${argv[0]} ${flag} ${argv.includes('') ? "''" : 'with no value'}`, async () => {
      await expectError(argv, `${flag} needs a file path, and got none (an empty value, or the flag with no value after it)`);
    });
  }
});

describe('a 200 MB workload is refused at once; validation is linear', () => {
  test('a 200 MB file: refused by its size, before reading it', async () => {
    const w = path.join(tmp, 'w-200mb.json');
    fs.writeFileSync(w, '');
    fs.truncateSync(w, 200 * 2 ** 20); // sparse: no disk or time spent
    const t = process.cpuUsage();
    await expectError(['run', '--scenario', scenarioFor(w), '--package', PKG, '--no-trace'], `${w}: (top level): file is 200 MiB; input files above 64 MiB are refused`);
    const cpu = process.cpuUsage(t);
    expect((cpu.user + cpu.system) / 1e6).toBeLessThan(1);
  });
  test('4x the layers costs about 4x the CPU time (side by side, best of 3)', () => {
    const file = (n: number) => {
      const layers = Array.from({ length: n }, (_, i) => ({ name: `l${i}`, op: 'conv2d', inChannels: 16, inHeight: 8, inWidth: 8, outChannels: 16, kernel: 3, pad: 1 }));
      return put(`w-${n}.json`, { schema: 'mcmsim/workload@1', name: 'w', layers });
    };
    const cpuOf = (f: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t = process.cpuUsage();
        loadWorkload(f);
        const c = process.cpuUsage(t);
        best = Math.min(best, c.user + c.system);
      }
      return best;
    };
    const small = file(2_000);
    const big = file(8_000);
    cpuOf(small); // warm-up
    const ratio = cpuOf(big) / cpuOf(small);
    expect(ratio).toBeLessThan(8);
  });
});

describe('SIGINT or SIGTERM while writing a trace leaves no temporary file', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(signal, async () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'sig-'));
      const trace = path.join(dir, 't.pftrace');
      // 512 samples of the small CNN: about 3 s of simulation with the trace file open.
      const scen = put(`s-${signal}.json`, { schema: 'mcmsim/scenario@1', name: 's', models: [{ workload: path.join(SMALL, 'cnn.json'), batch: 512 }] });
      const argv = ['run', '--scenario', scen, '--package', PKG, '--trace', trace, '--trace-packets', '--quiet'];
      const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'sim/cli/main.ts'), ...argv], { stdio: 'ignore' });
      const sawTemp = await new Promise<boolean>((resolve) => {
        const poll = setInterval(() => {
          if (fs.readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
            clearInterval(poll);
            child.kill(signal);
            resolve(true);
          }
        }, 50);
        child.on('close', () => {
          clearInterval(poll);
          resolve(false);
        });
      });
      expect(sawTemp).toBe(true);
      await new Promise((r) => child.on('close', r));
      // The helper process deletes the file once the CLI is gone.
      for (let i = 0; i < 50 && fs.readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(fs.readdirSync(dir)).toEqual([]);
    }, 60_000);
  }
});
