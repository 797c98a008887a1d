/**
 * Long runs of the robustness checks of issue #22 (the jest suites run a few hundred cases):
 *   npx ts-node --transpile-only scripts/robust.ts props [--runs N] [--seed S] [--full]
 *     generated packages, workloads and scenarios (test/prop/gen.ts), each scheduled by every
 *     strategy and a random valid schedule, checked against test/prop/properties.ts
 *   npx ts-node --transpile-only scripts/robust.ts fuzz [--runs N] [--seed S] [--spawn K]
 *     mutated shipped inputs through the CLI (test/fuzz/fuzz.ts); --spawn: also K of them
 *     through the compiled CLI (dist/, `npm run build` first) with a 10 s / 1 GiB limit
 * Progress on stderr; a failure prints fast-check's seed, path and the shrunk case, exit 1.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { caseArb, FULL, SMALL } from '../test/prop/gen';
import { checkCase, CaseStats } from '../test/prop/properties';
import { runFuzz } from '../test/fuzz/fuzz';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function props(): Promise<void> {
  const runs = flag('runs', 2000);
  const seed = flag('seed', Date.now() % 1e9);
  const lim = process.argv.includes('--full') ? FULL : SMALL;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-robust-'));
  const stats: CaseStats = { schedules: 0, skipped: 0, refusals: {} };
  let n = 0;
  const t0 = Date.now();
  let slowest = { ms: 0, n: -1 };
  try {
    await fc.assert(
      fc.asyncProperty(caseArb(lim), async (c) => {
        const dir = path.join(tmp, `case${n % 8}`);
        fs.rmSync(dir, { recursive: true, force: true });
        const t = Date.now();
        await checkCase(c, dir, { strategies: ['greedy', 'standalone', 'scar'], random: true, roundTrip: true }, stats);
        if (Date.now() - t > slowest.ms) slowest = { ms: Date.now() - t, n };
        if (++n % 50 === 0) process.stderr.write(`${n} of ${runs} cases, ${stats.schedules} schedules checked, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
      }),
      { seed, numRuns: runs },
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ seed, cases: n, ...stats, slowestCaseMs: slowest.ms, seconds: (Date.now() - t0) / 1000 }, null, 2));
}

async function fuzz(): Promise<void> {
  const r = await runFuzz({ runs: flag('runs', 20000), seed: flag('seed', Date.now() % 1e9), spawn: flag('spawn', 0), onProgress: (m) => process.stderr.write(m + '\n') });
  console.log(JSON.stringify(r, null, 2));
  if (r.failures.length > 0) process.exitCode = 1;
}

const mode = process.argv[2];
if (mode === 'props') props().catch((e) => ((process.exitCode = 1), console.error(e)));
else if (mode === 'fuzz') fuzz().catch((e) => ((process.exitCode = 1), console.error(e)));
else {
  console.error('usage: scripts/robust.ts props|fuzz [--runs N] [--seed S] [--full] [--spawn K]');
  process.exitCode = 2;
}
