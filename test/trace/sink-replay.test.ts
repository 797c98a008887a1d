/**
 * scripts/trace-bench.ts times each trace writer alone by replaying the sink calls recorded from
 * one run. Its figures measure the real work only if the replay makes the very file the run makes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluate, loadInputs, makeSchedule } from '../../sim/pipeline';
import { PerfettoSink } from '../../sim/trace/perfetto';
import { ChromeJsonSink } from '../../sim/trace/chrome';
import { TimelineOptions } from '../../sim/trace/timeline';
import { runInfo } from '../../sim/trace/runinfo';
import { RecordingSink, replay } from '../../scripts/trace-bench';

const SMALL = path.resolve(__dirname, '../golden/small');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-replay-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a recorded run replayed into a fresh sink writes the bytes the traced run wrote (.pftrace and Chrome JSON)', async () => {
  const inputs = loadInputs(path.join(SMALL, 'scenario.json'), path.join(SMALL, 'package.json'));
  const schedule = makeSchedule(inputs, { strategy: 'scar', seed: '1' });
  const rec = new RecordingSink(64); // a small first buffer: the recording grows several times
  let opts: TimelineOptions = {};
  await evaluate(schedule, inputs, (ctx) => {
    opts = { run: runInfo(ctx.program, ctx.schedule, '1'), estimate: ctx.estimate, chunkBytes: 1024 };
    return rec;
  });
  expect(rec.calls.length / 7).toBeGreaterThan(1000);
  expect(rec.calls.filter((c, i) => i % 7 === 0 && c === 0).length).toBeGreaterThan(500); // packets among them
  for (const [ext, make] of [['pftrace', (f: string) => new PerfettoSink(f, opts)], ['json', (f: string) => new ChromeJsonSink(f, opts)]] as const) {
    const direct = path.join(tmp, `direct.${ext}`);
    const replayed = path.join(tmp, `replayed.${ext}`);
    await evaluate(schedule, inputs, () => make(direct));
    await replay(rec.calls, rec.meta!, make(replayed));
    const bytes = fs.readFileSync(direct);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(fs.readFileSync(replayed).equals(bytes)).toBe(true);
  }
});
