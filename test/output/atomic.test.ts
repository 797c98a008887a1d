import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { AtomicFile, OutputError, TempRegistry, writeFileAtomic } from '../../sim/output/atomic';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-atomic-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const errorOf = (f: () => void): OutputError => {
  try {
    f();
  } catch (e) {
    return e as OutputError;
  }
  throw new Error('no error');
};

describe('AtomicFile', () => {
  test('the target appears only on commit; the registry lists the temporary file meanwhile', () => {
    const temps = new TempRegistry();
    const target = path.join(tmp, 'a.bin');
    fs.writeFileSync(target, 'old');
    const f = new AtomicFile(target, temps);
    f.open();
    f.write(Buffer.from('new '));
    f.write(Buffer.from('bytes'));
    expect(temps.files).toEqual([f.tmpPath]);
    expect(path.dirname(f.tmpPath)).toBe(tmp);
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    f.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('new bytes');
    expect(temps.files).toEqual([]);
    expect(fs.readdirSync(tmp).filter((x) => x.endsWith('.tmp'))).toEqual([]);
  });

  test('abort deletes the temporary file and leaves the target as it was', () => {
    const temps = new TempRegistry();
    const target = path.join(tmp, 'b.bin');
    const f = new AtomicFile(target, temps);
    f.open();
    f.write(Buffer.from('partial'));
    expect(fs.existsSync(f.tmpPath)).toBe(true);
    f.abort();
    expect(fs.existsSync(f.tmpPath)).toBe(false);
    expect(fs.existsSync(target)).toBe(false);
    expect(temps.files).toEqual([]);
    f.abort(); // twice: harmless
  });

  test('errors name the path as the user gave it, never the temporary file', () => {
    fs.writeFileSync(path.join(tmp, 'afile'), 'x');
    const cases: [string, string][] = [
      [path.join(tmp, 'afile', 'x.json'), 'a parent is a file, not a folder, ENOTDIR'],
      [path.join(tmp, 'no', 'such', 'x.json'), 'no such folder, ENOENT'],
      [tmp, 'it is a folder, EISDIR'],
    ];
    for (const [file, why] of cases) {
      const e = errorOf(() => new AtomicFile(file));
      expect(e).toBeInstanceOf(OutputError);
      expect(e.message).toBe(`${file}: cannot write (${why})`);
    }
    // Nothing was created on the way (only a missing last folder level is made).
    expect(fs.existsSync(path.join(tmp, 'no'))).toBe(false);
  });

  test('a missing last folder level is created', () => {
    const file = path.join(tmp, 'fresh', 'x.txt');
    writeFileAtomic(file, 'hello\n', new TempRegistry());
    expect(fs.readFileSync(file, 'utf8')).toBe('hello\n');
  });
});

describe('writeFileAtomic', () => {
  test('a failed rename leaves neither the temporary file nor a listed name', () => {
    const temps = new TempRegistry();
    const target = path.join(tmp, 'dir-later');
    const f = new AtomicFile(target, temps);
    f.open();
    fs.mkdirSync(target); // a folder appears in the way after the checks
    fs.writeFileSync(path.join(target, 'keep'), 'x'); // non-empty: rename over it fails
    expect(() => f.commit()).toThrow(OutputError);
    f.abort();
    expect(fs.readdirSync(tmp).filter((x) => x.endsWith('.tmp'))).toEqual([]);
    expect(temps.files).toEqual([]);
  });
});

describe('TempRegistry.startReaper', () => {
  test('a temporary file that exists before the reaper starts is still deleted when the process is killed', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'late-'));
    const target = path.join(dir, 'out.bin');
    const atomic = path.resolve(__dirname, '../../sim/output/atomic');
    // The file is opened first, the reaper started after; SIGKILL runs no handler of the process.
    const script = `const { AtomicFile, processTemps } = require(${JSON.stringify(atomic)});
      const f = new AtomicFile(${JSON.stringify(target)}); f.open(); f.write(Buffer.from('partial'));
      processTemps.startReaper(); process.kill(process.pid, 'SIGKILL');`;
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', '-e', script], { stdio: 'ignore' });
    const signal = await new Promise((resolve) => child.on('close', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    for (let i = 0; i < 50 && fs.readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 30_000);
});
