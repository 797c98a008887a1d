/**
 * Differential check of sim/cost/maestro against a MAESTRO binary you built yourself (outside
 * this repository; see test/fixtures/maestro/NOTE.md for the commit): random layers (CONV and
 * depthwise, K and C up to 300, filters 1-7, stride 1 or 2), random PE counts, NoC and off-chip
 * limits and hop latencies, each template; runtime, MAC count, the twelve L1/L2 counts and the
 * two buffer requirements must be equal.
 *
 *   npx ts-node --transpile-only scripts/maestro-random.ts PATH/TO/maestro [N=100] [SEED=1]
 *
 * Prints one line per run that differs and a summary; exits 1 when any differs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { analyse, MaestroProblem } from '../sim/cost/maestro/analysis';
import { directivesText, templateDirectives, MAESTRO_TEMPLATES } from '../sim/cost/maestro';

function main(): number {
  const [bin, nArg, seedArg] = process.argv.slice(2);
  if (!bin || !fs.existsSync(bin)) {
    process.stderr.write('usage: maestro-random.ts PATH/TO/maestro [N] [SEED]\n');
    return 2;
  }
  const n = Number(nArg ?? 100);
  let seed = Number(seedArg ?? 1);
  // A small linear congruential generator: the same SEED gives the same layers.
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maestro-random-'));
  fs.mkdirSync(path.join(dir, 'x'));
  let differ = 0;
  for (let i = 0; i < n; i++) {
    const r = pick([1, 1, 2, 3, 3, 5, 7]);
    const stride = pick([1, 1, 1, 2]);
    const type = pick(['CONV', 'CONV', 'CONV', 'DSCONV'] as const);
    const y = r + Math.floor(rnd() * 60);
    const x = r === 1 ? pick([1, 1 + Math.floor(rnd() * 60)]) : r + Math.floor(rnd() * 60);
    const p: MaestroProblem = { type, dims: { K: type === 'DSCONV' ? 1 : 1 + Math.floor(rnd() * 300), C: 1 + Math.floor(rnd() * 300), R: r, S: r, Y: y, X: x }, strideY: stride, strideX: stride };
    const pes = pick([64, 100, 256, 1000, 4096]);
    const noc = pick([100000, 1 + Math.floor(rnd() * 64)]);
    const off = pick([100000, 1 + Math.floor(rnd() * 32)]);
    const hop = Math.floor(rnd() * 3);
    const t = pick(MAESTRO_TEMPLATES);
    const spec = templateDirectives(t, p);
    const d = p.dims;
    fs.writeFileSync(path.join(dir, 'x', 'r.m'), `Network r {\nLayer r {\nType: ${type}\nStride { X: ${stride}, Y: ${stride} }\n` +
      `Dimensions { K: ${d.K}, C: ${d.C}, R: ${d.R}, S: ${d.S}, Y: ${d.Y}, X: ${d.X} }\nDataflow {\n${directivesText(spec).replace(/; /g, ';\n')};\n}\n}\n}\n`);
    fs.writeFileSync(path.join(dir, 'hw.m'), `num_pes: ${pes}\nl1_size_cstr: 1000000\nl2_size_cstr: 100000000\nnoc_bw_cstr: ${noc}\noffchip_bw_cstr: ${off}\nNoC_NumHops: ${hop}\n`);
    const csv = path.join(dir, 'r.csv');
    fs.rmSync(csv, { force: true });
    const what = `${t} ${JSON.stringify(p)} pes ${pes} noc ${noc} offchip ${off} hop ${hop}`;
    try {
      execFileSync(bin, [`--HW_file=${path.join(dir, 'hw.m')}`, '--Mapping_file=x/r.m', '--print_res=false', '--print_res_csv_file=true', '--print_log_file=false'], { cwd: dir, timeout: 60000, stdio: 'pipe' });
    } catch {
      differ++;
      process.stdout.write(`MAESTRO failed: ${what}\n`);
      continue;
    }
    const [head, row] = fs.readFileSync(csv, 'utf8').trim().split('\n');
    const names = head.split(',').map((s) => s.trim());
    const values = row.split(',').map((s) => Number(s.trim()));
    const col = (c: string) => values[names.indexOf(c)];
    const ours = analyse(p, spec, pes, { bwElemsPerCycle: noc, hopLatencyCycles: hop, offchipBwElemsPerCycle: off });
    const pairs: [string, number, number][] = [
      ['runtime', ours.runtimeCycles, col('Runtime (Cycles)')], ['macs', ours.psums, col('Num MACs')],
      ['L2 req', ours.l2ReqElems, col('L2 SRAM Size Req (Bytes)')], ['L1 req', ours.l1ReqElems, col('L1 SRAM Size Req (Bytes)')],
    ];
    for (const [tensor, name] of [['input', 'input'], ['weight', 'filter'], ['output', 'output']] as const) {
      for (const lvl of ['l1', 'l2'] as const) {
        pairs.push([`${tensor} ${lvl} reads`, ours[lvl][tensor].reads, col(`${name} ${lvl} read`)], [`${tensor} ${lvl} writes`, ours[lvl][tensor].writes, col(`${name} ${lvl} write`)]);
      }
    }
    const off2 = pairs.filter(([, a, b]) => a !== b);
    if (off2.length) {
      differ++;
      process.stdout.write(`${what}: ${off2.map(([k, a, b]) => `${k} ${a} vs ${b}`).join('; ')}\n`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${differ} of ${n} runs differ\n`);
  return differ ? 1 : 0;
}

process.exitCode = main();
