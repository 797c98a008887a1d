/**
 * A CLI that guides: bare `mcmsim` lists the commands, typos get the nearest name, every option
 * is described, shipped inputs go by name, output paths are checked before any work, Ctrl-C
 * says what it stopped, and --seed is what help says it is.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { cli } from './incli';
import { buildCli } from '../../sim/cli/main';
import { checkOutputPath, editDistance, nearest, resolveInput } from '../../sim/cli/flags';
import * as pipeline from '../../sim/pipeline';

const ROOT = path.resolve(__dirname, '../..');
const COMMANDS = ['run', 'schedule', 'simulate', 'validate', 'compare', 'sweep', 'reproduce', 'explore', 'cost', 'traffic', 'import'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-guide-'));
/** A command's help text, as `mcmsim CMD --help` prints it (captured, no exit). */
const helpOf = (c: string) => new Promise<string>((resolve) => {
  buildCli([c, '--help']).exitProcess(false).parse([c, '--help'], {}, (_e: unknown, _a: unknown, output: string) => resolve(output));
});
const LAYER = `${path.join(ROOT, 'models/workloads/resnet50.json')}#layer1.0.conv2`;

describe('finding your way', () => {
  test('bare mcmsim lists every command on stdout, exit 0', async () => {
    const r = await cli();
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`mcmsim ${c}\\b`));
  });

  test('an unknown command or option names the nearest one', async () => {
    expect(await cli('rn')).toMatchObject({ code: 2, err: 'mcmsim: error: unknown command "rn" (did you mean "run"?); `mcmsim --help` lists the commands\n' });
    expect((await cli('comapre')).err).toContain('did you mean "compare"?');
    const r = await cli('run', '--sead', '3');
    expect(r.code).toBe(2);
    expect(r.err).toBe('mcmsim: error: unknown option --sead (did you mean --seed?); `mcmsim run --help` lists the options\n');
    expect((await cli('cost', '--layer', LAYER, '--dataflow', 'ws', '--sample', '2')).err).toContain('did you mean --samples?');
    // Nothing near: no guess.
    expect((await cli('xyzzy')).err).toBe('mcmsim: error: unknown command "xyzzy"; `mcmsim --help` lists the commands\n');
  });

  test('every option and positional of every command has a description', async () => {
    for (const c of COMMANDS) {
      const help = await helpOf(c);
      // An item starts two spaces in (continuations are deeper); its description comes before the [type].
      const items = help.split('\n').filter((l) => /^ {2}\S/.test(l) && !/^ {2}mcmsim /.test(l));
      expect(items.length).toBeGreaterThan(3);
      const bare = items.filter((l) => /^ {2}\S+(, \S+)*\s*(\[.*)?$/.test(l));
      expect([c, bare]).toEqual([c, []]);
    }
  });

  test('edit distance and nearest names', () => {
    expect(editDistance('sead', 'seed')).toBe(1);
    expect(editDistance('comapre', 'compare')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(nearest('het_sides', ['het_sides_3x3', 'ws_3x3', 'het_sides_6x6'])).toEqual(['het_sides_3x3', 'het_sides_6x6']);
    expect(nearest('zzzz', ['run', 'cost'])).toEqual([]);
  });
});

describe('inputs by name', () => {
  test('--package and --scenario take shipped names; a path that exists wins', () => {
    expect(resolveInput('package', 'het_sides_3x3', 'packages', ROOT)).toEqual({ file: path.join(ROOT, 'models/packages/het_sides_3x3.json') });
    expect(resolveInput('scenario', 'dc1_llm.json', 'scenarios', ROOT)).toEqual({ file: path.join(ROOT, 'models/scenarios/dc1_llm.json') });
    const own = path.join(tmp, 'het_sides_3x3');
    fs.writeFileSync(own, '{}');
    expect(resolveInput('package', own, 'packages', ROOT)).toEqual({ file: own });
    // A path (with a folder) is never taken as a name.
    expect('error' in resolveInput('package', 'nowhere/het_sides_3x3.json', 'packages', ROOT)).toBe(true);
  });

  test('a missing input lists the closest shipped names, before any work', async () => {
    const spy = jest.spyOn(pipeline, 'makeSchedule');
    const r = await cli('run', '--scenario', 'dc1_lm', '--no-trace');
    expect(r.code).toBe(2);
    expect(r.err).toBe('mcmsim: error: --scenario dc1_lm: file not found, and no shipped scenario of that name; closest shipped scenarios: dc1_llm (names from models/scenarios, or a path to a JSON file)\n');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    const c = await cli('compare', '--packages', 'ws_3x3', 'os_3x4', '--scenarios', 'dc1_llm');
    expect(c.err).toContain('--packages os_3x4: file not found');
    expect(c.err).toContain('closest shipped packages: os_3x3');
  });

  test('cost --package by name runs', async () => {
    const byName = await cli('cost', '--layer', LAYER, '--dataflow', 'ws', '--package', 'het_sides_3x3', '--json');
    const byPath = await cli('cost', '--layer', LAYER, '--dataflow', 'ws', '--package', path.join(ROOT, 'models/packages/het_sides_3x3.json'), '--json');
    expect(byName.code).toBe(0);
    expect(byName.out).toBe(byPath.out);
  });
});

describe('output paths checked before the work', () => {
  test('what is wrong with the path, in words', () => {
    expect(checkOutputPath('trace', path.join(tmp, 'ok.pftrace'))).toBeUndefined();
    // A missing last level is made by the writer: fine.
    expect(checkOutputPath('trace', path.join(tmp, 'new', 'ok.pftrace'))).toBeUndefined();
    expect(fs.existsSync(path.join(tmp, 'new'))).toBe(false);
    expect(checkOutputPath('html', tmp)).toBe(`--html ${tmp}: is a folder; give a file name`);
    expect(checkOutputPath('out', path.join(tmp, 'a/b/c.json'))).toMatch(/no folder .*a\/b \(mcmsim makes only a missing last folder level, and .*a does not exist either\)$/);
    const file = path.join(tmp, 'plain');
    fs.writeFileSync(file, '');
    expect(checkOutputPath('out', path.join(file, 'x.json'))).toBe(`--out ${path.join(file, 'x.json')}: ${file} is a file, not a folder`);
    if (fs.existsSync('/proc/self')) expect(checkOutputPath('trace', '/proc/t.pftrace')).toBe('--trace /proc/t.pftrace: cannot write there: /proc does not take new files (a special file system such as /proc or /sys)');
    // The probe leaves nothing behind.
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('run --trace into /proc fails at once, before scheduling', async () => {
    if (!fs.existsSync('/proc/self')) return;
    const spy = jest.spyOn(pipeline, 'makeSchedule');
    const r = await cli('run', '--trace', '/proc/t.pftrace');
    expect(r.code).toBe(2);
    expect(r.err).toContain('/proc does not take new files');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});

describe('--seed', () => {
  test('sweep says where its seeds are; commands without randomness say so in help', async () => {
    const r = await cli('sweep', path.join(ROOT, 'models/sweeps/nop_bandwidth_3x3.json'), '--seed', '2', '--out', path.join(tmp, 'r.jsonl'));
    expect(r).toMatchObject({ code: 2, err: 'mcmsim: error: sweep takes no --seed: its seeds are the spec\'s "seeds" list (each unit is run once per seed)\n' });
    expect(fs.existsSync(path.join(tmp, 'r.jsonl'))).toBe(false);
    expect(await helpOf('cost')).toMatch(/--seed\s+accepted for uniformity, no effect/);
    expect(await helpOf('run')).toMatch(/--seed\s+seed of the scheduler's random choices/);
  });
});

describe('Ctrl-C', () => {
  const BIN = path.join(ROOT, 'dist/sim/cli/main.js');
  (fs.existsSync(BIN) ? test : test.skip)('run: one line saying what was stopped and what was written; no temporary file left', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'int-'));
    const sched = path.join(dir, 's.json');
    // Its own process group, as a shell gives a foreground command: Ctrl-C reaches every process in it.
    const child = spawn(process.execPath, [BIN, 'run', '--schedule-out', sched, '--trace', path.join(dir, 't.pftrace'), '--quiet'], { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    // The schedule is written before the simulation starts: interrupt the simulation.
    const poll = setInterval(() => {
      if (fs.existsSync(sched)) {
        clearInterval(poll);
        process.kill(-child.pid!, 'SIGINT');
      }
    }, 20);
    const signal = await new Promise<string | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)));
    clearInterval(poll);
    for (let i = 0; i < 30 && !err.includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(signal).toBe('SIGINT');
    expect(err).toBe(`mcmsim: interrupted (Ctrl-C): stopped run while simulating 780 jobs of default on het_3x3 (the trace is not kept); wrote only ${sched} before\n`);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.pftrace'))).toEqual([]);
  }, 120_000);
});
