/**
 * PerfettoSink: the .pftrace decodes with the OFFICIAL Perfetto schema (../shared/perfetto,
 * a test fixture outside the repository) with no unknown field anywhere, and the stream obeys
 * the rules trace processor relies on (descriptors before use, interning, one sequence, time
 * order, balanced and nested slices, flows terminated), carries the run's metadata and the
 * analytical estimate, and its slices, flows and counters match the simulator's numbers and
 * stay within physical bounds.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { simulate, SimResult } from '../../sim/hw/replay';
import { Program } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';
import { TeeSink } from '../../sim/trace/sink';
import { PerfettoSink, PERFETTO_SUBSET_PROTO } from '../../sim/trace/perfetto';
import { ChromeJsonSink } from '../../sim/trace/chrome';
import { ThreadTrack } from '../../sim/trace/timeline';
import { RecordingSink, tinyProgram } from './fixture';

// CI keeps shared/ beside the clone; PERFETTO_PROTO can point elsewhere (e.g. from a nested worktree).
const OFFICIAL = process.env.PERFETTO_PROTO ?? path.resolve(__dirname, '../../../shared/perfetto/perfetto_trace.proto');
const haveOfficial = fs.existsSync(OFFICIAL);
if (!haveOfficial) {
  console.warn(`SKIPPED Perfetto decode tests: official schema not found at ${OFFICIAL} (CI keeps shared/ beside the clone)`);
}
const d = haveOfficial ? describe : describe.skip;

/* eslint-disable @typescript-eslint/no-explicit-any */
type M = any;
const has = (m: M, k: string): boolean => m != null && Object.prototype.hasOwnProperty.call(m, k);
const num = (v: M): number => (typeof v === 'number' ? v : v && typeof v.toNumber === 'function' ? v.toNumber() : Number(v));

/** Paths of every decoded message (recursively) that kept unknown fields. */
function unknownFields(m: M, where: string, out: string[]): void {
  if (m === null || typeof m !== 'object' || ArrayBuffer.isView(m)) return;
  if (Array.isArray(m)) {
    m.forEach((x, i) => unknownFields(x, `${where}[${i}]`, out));
    return;
  }
  if (m.$unknowns && m.$unknowns.length) out.push(`${where} (${m.$unknowns.length} unknown)`);
  for (const k of Object.keys(m)) unknownFields(m[k], `${where}.${k}`, out);
}

/** Splits the file into Trace.packet fields by hand: tag 0x0A, varint length, bytes. */
function framePackets(buf: Uint8Array): number {
  let pos = 0;
  let n = 0;
  while (pos < buf.length) {
    if (buf[pos++] !== 0x0a) throw new Error(`byte ${pos - 1}: expected tag 0x0A`);
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    pos += len;
    n++;
  }
  if (pos !== buf.length) throw new Error(`last packet overruns the file by ${pos - buf.length} bytes`);
  return n;
}

interface SliceEv {
  idx: number; // position in the stream
  track: number;
  type: 1 | 2;
  ts: number;
  name?: string;
  ann: Record<string, number | string>;
  flows: number[];
  terms: number[];
}
interface Slice {
  begin: SliceEv;
  endTs: number;
  depth: number;
}

/**
 * Pairs BEGIN/END per track twice: in stream order (what the sink meant) and after a stable
 * sort by timestamp (what trace processor does). Returns the slices and every mismatch.
 */
function pairSlices(events: SliceEv[]): { slices: Slice[]; errors: string[] } {
  const errors: string[] = [];
  const byTrack = new Map<number, SliceEv[]>();
  for (const e of events) {
    if (!byTrack.has(e.track)) byTrack.set(e.track, []);
    byTrack.get(e.track)!.push(e);
  }
  const slices: Slice[] = [];
  for (const [track, evs] of byTrack) {
    const pair = (list: SliceEv[]) => {
      const partner = new Map<number, SliceEv>();
      const depth = new Map<number, number>();
      const stack: SliceEv[] = [];
      for (const e of list) {
        if (e.type === 1) {
          depth.set(e.idx, stack.length);
          stack.push(e);
        } else {
          const b = stack.pop();
          if (!b) {
            errors.push(`track ${track}: END at ${e.ts} without BEGIN`);
            continue;
          }
          partner.set(b.idx, e);
        }
      }
      if (stack.length) errors.push(`track ${track}: ${stack.length} BEGIN without END`);
      return { partner, depth };
    };
    const stream = pair(evs);
    const sorted = pair([...evs].sort((a, b) => a.ts - b.ts || a.idx - b.idx));
    for (const e of evs) {
      if (e.type !== 1) continue;
      const end = stream.partner.get(e.idx);
      if (!end) continue;
      if (end.ts < e.ts) errors.push(`track ${track}: slice ${e.name} ends (${end.ts}) before it begins (${e.ts})`);
      if (sorted.partner.get(e.idx) !== end) errors.push(`track ${track}: slice ${e.name} at ${e.ts} is not properly nested (sorting by time pairs it with another END)`);
      Object.assign(e.ann, end.ann); // arguments on an END add to the slice's (trace processor merges them)
      slices.push({ begin: e, endTs: end.ts, depth: stream.depth.get(e.idx)! });
    }
  }
  return { slices, errors };
}

d('PerfettoSink', () => {
  let official: protobuf.Root;
  let dir: string;
  let nFile = 0;

  beforeAll(() => {
    official = protobuf.parse(fs.readFileSync(OFFICIAL, 'utf8'), { keepCase: true }).root;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-perfetto-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const decode = (buf: Uint8Array): M => {
    const r = protobuf.Reader.create(buf);
    r.discardUnknown = false;
    return official.lookupType('perfetto.protos.Trace').decode(r);
  };

  const RUN = ['scenario', 'tiny', 'package', 'tiny2x2', 'strategy', 'hand', 'seed', '7', 'schedule_hash', 'abc', 'mcmsim_version', '0.1.0'];

  async function run(opts: { packets?: boolean; chunkBytes?: number } = {}) {
    const prog: Program = tinyProgram();
    const file = path.join(dir, `t${nFile++}.pftrace`);
    const estimate = estimateProgram(prog);
    const sink = new PerfettoSink(file, { ...opts, estimate, run: RUN });
    const rec = new RecordingSink(opts.packets === true);
    const sim: SimResult = await simulate(prog, { sink: new TeeSink([sink, rec]) });
    const buf = fs.readFileSync(file);
    return { prog, sim, rec, file, buf, estimate, sink };
  }

  test('the subset schema uses the official names, numbers and types', () => {
    const subset = protobuf.parse(fs.readFileSync(PERFETTO_SUBSET_PROTO, 'utf8'), { keepCase: true }).root;
    let checked = 0;
    const visit = (ns: protobuf.NamespaceBase) => {
      for (const obj of ns.nestedArray) {
        if (obj instanceof protobuf.Type) {
          const off = official.lookupType(obj.fullName);
          for (const f of obj.fieldsArray) {
            const o = off.fields[f.name];
            expect(o).toBeDefined();
            expect([obj.fullName, f.name, f.id, f.type, f.repeated, f.partOf?.name]).toEqual([obj.fullName, f.name, o.id, o.type, o.repeated, o.partOf?.name]);
            checked++;
          }
        } else if (obj instanceof protobuf.Enum) {
          const off = official.lookupEnum(obj.fullName);
          for (const [k, v] of Object.entries(obj.values)) expect([obj.fullName, k, off.values[k]]).toEqual([obj.fullName, k, v]);
        }
        if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) visit(obj as protobuf.NamespaceBase);
      }
    };
    visit(subset);
    expect(checked).toBeGreaterThan(25);
  });

  test('the unknown-field check catches a field the official schema lacks', () => {
    // Trace.packet { timestamp = 5, field 9999 = 1 }: 9999 is not a TracePacket field.
    const inner = protobuf.Writer.create().uint32((8 << 3) | 0).uint32(5).uint32((9999 << 3) | 0).uint32(1).finish();
    const buf = Uint8Array.from([0x0a, inner.length, ...inner]);
    const out: string[] = [];
    unknownFields(decode(buf), 'trace', out);
    expect(out).toEqual(['trace.packet[0] (1 unknown)']);
  });

  test('the nesting check catches crossing slices', () => {
    const ev = (idx: number, type: 1 | 2, ts: number): SliceEv => ({ idx, track: 1, type, ts, ann: {}, flows: [], terms: [] });
    // A [0, 10] and B [5, 20] written as two separate slices on one track.
    expect(pairSlices([ev(0, 1, 0), ev(1, 2, 10), ev(2, 1, 5), ev(3, 2, 20)]).errors.length).toBeGreaterThan(0);
    expect(pairSlices([ev(0, 1, 0), ev(1, 1, 5), ev(2, 2, 10), ev(3, 2, 20)]).errors).toEqual([]);
  });

  describe.each([
    ['packet counters only', false],
    ['packet slices', true],
  ])('with %s', (_label, packets) => {
    let r: Awaited<ReturnType<typeof run>>;
    let trace: M;
    let pkts: M[];
    beforeAll(async () => {
      r = await run({ packets });
      trace = decode(r.buf);
      pkts = trace.packet;
    });

    test('is a stream of Trace.packet fields that decodes with no unknown field (official and subset schema)', () => {
      expect(framePackets(r.buf)).toBe(pkts.length);
      expect(pkts.length).toBeGreaterThan(100);
      const out: string[] = [];
      unknownFields(trace, 'trace', out);
      expect(out).toEqual([]);
      // The subset schema in traces/ covers every field written.
      const subset = protobuf.parse(fs.readFileSync(PERFETTO_SUBSET_PROTO, 'utf8'), { keepCase: true }).root;
      const rd = protobuf.Reader.create(r.buf);
      rd.discardUnknown = false;
      const sub: string[] = [];
      unknownFields(subset.lookupType('perfetto.protos.Trace').decode(rd), 'trace', sub);
      expect(sub).toEqual([]);
      // Output is complete and atomic: no temporary file left beside it.
      expect(fs.readdirSync(path.dirname(r.file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    test('one sequence in time order, incremental state cleared first, names and strings interned before use', () => {
      const seqs = new Set(pkts.map((p) => p.trusted_packet_sequence_id));
      expect(seqs.size).toBe(1);
      expect([...seqs][0]).toBeGreaterThan(0);
      expect(pkts[0].sequence_flags & 1).toBe(1);
      for (const p of pkts.slice(1)) expect(p.sequence_flags).toBe(2);
      const names = new Map<number, string>();
      const argNames = new Set<number>();
      const strings = new Set<number>();
      let used = 0;
      let lastTs = -1;
      let timed = 0;
      for (const p of pkts) {
        for (const en of p.interned_data?.event_names ?? []) {
          expect(names.has(num(en.iid))).toBe(false);
          names.set(num(en.iid), en.name);
        }
        for (const an of p.interned_data?.debug_annotation_names ?? []) argNames.add(num(an.iid));
        for (const sv of p.interned_data?.debug_annotation_string_values ?? []) strings.add(num(sv.iid));
        if (has(p, 'timestamp')) {
          const ts = num(p.timestamp);
          expect(ts).toBeGreaterThanOrEqual(lastTs); // a streaming reader never goes back in time
          lastTs = ts;
          timed++;
        }
        if (!has(p, 'track_event')) continue;
        const te = p.track_event;
        if (has(te, 'name_iid')) {
          expect(names.has(num(te.name_iid))).toBe(true);
          used++;
        }
        for (const a of te.debug_annotations ?? []) {
          expect(argNames.has(num(a.name_iid))).toBe(true);
          if (has(a, 'string_value_iid')) expect(strings.has(num(a.string_value_iid))).toBe(true);
        }
      }
      expect(used).toBeGreaterThan(0);
      expect(timed).toBe(r.sink.eventsWritten);
    });

    test('tracks are described before use, with descriptions; process and thread tracks have no parent', () => {
      const described = new Map<number, M>();
      const pids = new Set<number>();
      const tids = new Set<number>();
      for (const p of pkts) {
        if (has(p, 'track_descriptor')) {
          const td = p.track_descriptor;
          const uuid = num(td.uuid);
          expect(uuid).toBeGreaterThan(0);
          expect(described.has(uuid)).toBe(false);
          expect(td.description).toBeTruthy();
          described.set(uuid, td);
          if (has(td, 'process')) {
            expect(has(td, 'parent_uuid')).toBe(false);
            expect(td.process.pid).toBeGreaterThan(0);
            expect(pids.has(td.process.pid)).toBe(false);
            pids.add(td.process.pid);
          } else if (has(td, 'thread')) {
            expect(has(td, 'parent_uuid')).toBe(false);
            expect(pids.has(td.thread.pid)).toBe(true); // its process was described before
            const tid = num(td.thread.tid);
            expect(tids.has(tid) || pids.has(tid)).toBe(false);
            tids.add(tid);
            expect(td.thread.thread_name).toBeTruthy();
          } else {
            expect(has(td, 'counter')).toBe(true);
            expect(described.get(num(td.parent_uuid))?.process).toBeDefined();
          }
        }
        if (has(p, 'track_event')) {
          const td = described.get(num(p.track_event.track_uuid));
          expect(td).toBeDefined();
          const isCounter = p.track_event.type === 4;
          expect(has(td, 'counter')).toBe(isCounter);
          expect(has(p, 'timestamp')).toBe(true);
        }
      }
      const procNames = [...described.values()].filter((t) => has(t, 'process')).map((t) => t.process.process_name);
      expect(procNames).toEqual(['run', 'c0_0 (ws)', 'c0_1 (os)', 'c1_0 (os)', 'c1_1 (ws)', 'NoP', 'DRAM', 'power & energy']);
      // Counter names are unique (each says whose it is).
      const counterNames = [...described.values()].filter((t) => has(t, 'counter')).map((t) => t.name);
      expect(new Set(counterNames).size).toBe(counterNames.length);
    });

    function analyse() {
      const names = new Map<number, string>();
      const argNames = new Map<number, string>();
      const strings = new Map<number, string>();
      const threads = new Map<number, { pid: number; name: string }>();
      const counters = new Map<number, string>();
      const events: SliceEv[] = [];
      const instants: { name: string; ts: number; ann: Record<string, number | string> }[] = [];
      const samples = new Map<number, [number, number][]>();
      pkts.forEach((p, idx) => {
        for (const en of p.interned_data?.event_names ?? []) names.set(num(en.iid), en.name);
        for (const an of p.interned_data?.debug_annotation_names ?? []) argNames.set(num(an.iid), an.name);
        for (const sv of p.interned_data?.debug_annotation_string_values ?? []) strings.set(num(sv.iid), Buffer.from(sv.str).toString('utf8'));
        if (has(p, 'track_descriptor')) {
          const td = p.track_descriptor;
          if (has(td, 'thread')) threads.set(num(td.uuid), { pid: td.thread.pid, name: td.thread.thread_name });
          if (has(td, 'counter')) counters.set(num(td.uuid), td.name);
        }
        if (!has(p, 'track_event')) return;
        const te = p.track_event;
        const track = num(te.track_uuid);
        const ts = num(p.timestamp);
        if (te.type === 4) {
          if (!samples.has(track)) samples.set(track, []);
          samples.get(track)!.push([ts, te.double_counter_value]);
          return;
        }
        const ann: Record<string, number | string> = {};
        for (const a of te.debug_annotations ?? []) {
          ann[argNames.get(num(a.name_iid))!] = has(a, 'int_value') ? num(a.int_value) : has(a, 'double_value') ? a.double_value : strings.get(num(a.string_value_iid))!;
        }
        const name = has(te, 'name_iid') ? names.get(num(te.name_iid)) : undefined;
        if (te.type === 3) {
          instants.push({ name: name!, ts, ann });
          return;
        }
        events.push({ idx, track, type: te.type, ts, name, ann, flows: (te.flow_ids ?? []).map(num), terms: (te.terminating_flow_ids ?? []).map(num) });
      });
      const { slices, errors } = pairSlices(events);
      return { threads, counters, slices, errors, samples, instants };
    }

    test('slices are balanced, nested, and match the jobs, tiles and transfers the simulator ran', () => {
      const { threads, slices, errors } = analyse();
      expect(errors).toEqual([]);
      const on = (prefix: string, depth: number) => slices.filter((s) => threads.get(s.begin.track)?.name.startsWith(prefix) && s.depth === depth);
      const jobSlices = on('PE array', 0).filter((s) => !s.begin.name!.startsWith('wait'));
      expect(jobSlices.length).toBe(r.prog.jobs.length);
      expect(new Set(jobSlices.map((s) => s.begin.name))).toEqual(new Set(r.prog.jobs.map((j) => j.name)));
      for (const j of r.prog.jobs) {
        const s = jobSlices.find((x) => x.begin.name === j.name)!;
        const t = r.sim.jobs[j.index];
        const est = r.estimate.jobs[j.index];
        expect([j.name, s.begin.ts, s.endTs]).toEqual([j.name, Math.floor(t.startPs / 1000), Math.floor(t.endPs / 1000)]);
        expect(threads.get(s.begin.track)!.pid).toBe(j.chiplet + 2);
        expect(s.begin.ann.cycles).toBe(j.plan.computeCycles);
        expect(s.begin.ann.macs).toBe(j.plan.macs);
        expect(s.begin.ann.tiles).toBe(j.plan.tiles);
        expect(s.begin.ann.output_bytes).toBe(j.plan.outputBytes);
        // The analytical estimate and its error, on every job slice.
        expect(s.begin.ann.est_start_ns).toBe(est.startPs / 1000);
        expect(s.begin.ann.est_dur_ns).toBe((est.endPs - est.startPs) / 1000);
        const estDur = est.endPs - est.startPs;
        expect(s.begin.ann.est_err_pct).toBeCloseTo((100 * (t.endPs - t.startPs - estDur)) / estDur, 9);
        expect(s.begin.ann.ready_ns as number).toBeLessThanOrEqual(t.startPs / 1000);
        const producersEnd = Math.max(0, ...j.deps.map((d) => r.sim.jobs[d].endPs));
        expect(s.begin.ann.ready_ns as number).toBeGreaterThanOrEqual(producersEnd / 1000);
      }
      // A known job, spelled out: the first conv of model a starts at 0.
      const first = jobSlices.find((s) => s.begin.name === 'a/conv1[0:1]')!;
      expect(first.begin.ts).toBe(0);
      // Inside jobs: runs of back-to-back compute tiles and stalls; every compute tile is in a run.
      const inner = on('PE array', 1);
      const computeRuns = inner.filter((s) => s.begin.name === 'compute');
      const tiles = r.rec.tiles.filter((t) => t.lane === 'compute');
      expect(computeRuns.reduce((a, s) => a + (s.begin.ann.tiles as number), 0)).toBe(tiles.length);
      expect(inner.every((s) => s.begin.name === 'compute' || /^wait (load( \(.+\))?|store)$/.test(s.begin.name!))).toBe(true);
      expect(on('PE array', 2).length).toBe(0);
      // Waits before a job name what the PE array waited for.
      for (const w of on('PE array', 0).filter((s) => s.begin.name!.startsWith('wait'))) {
        expect(w.begin.name).toMatch(/^wait (window \d+|.+\/.+|producers)$/);
        expect(w.begin.ann.job).toBeDefined();
      }
      // Transfers: one slice per tile load / store with the bytes that crossed the fabric.
      const loads = on('load', 0);
      const stores = on('store', 0);
      const count = (lane: string) => r.rec.tiles.filter((t) => t.lane === lane).length;
      // Loads that moved nothing in no time are not drawn.
      expect(loads.length).toBe(r.rec.tiles.filter((t) => t.lane === 'load' && (t.bytes > 0 || t.endPs > t.startPs)).length);
      expect(stores.length).toBe(count('store'));
      const sum = (list: Slice[]) => list.reduce((a, s) => a + (s.begin.ann.bytes as number), 0);
      expect(sum(stores)).toBe(r.rec.tiles.filter((t) => t.lane === 'store').reduce((a, t) => a + t.bytes, 0));
      expect(sum(loads)).toBe(r.rec.tiles.filter((t) => t.lane === 'load').reduce((a, t) => a + t.bytes, 0));
      for (const l of loads.filter((s) => (s.begin.ann.bytes as number) > 0)) {
        expect(l.begin.ann.gbps as number).toBeGreaterThan(0);
        const job = jobSlices.find((j) => j.begin.name === l.begin.ann.job)!; // linked to its job ...
        expect(l.begin.ts).toBeGreaterThanOrEqual(job.begin.ts); // ... and inside it in time
        expect(l.endTs).toBeLessThanOrEqual(job.endTs);
        expect(job.begin.ann.load_routes).toMatch(/^(dram\d+|c\d+_\d+->c\d+_\d+)( > .+)?/);
      }
      // Routes name resources in order: the first conv of model a reads from DRAM channel 0.
      expect(first.begin.ann.load_routes).toBe('dram0');
      // This program has two overlapping tile stores on one chiplet: they need a second lane.
      expect([...threads.values()].some((t) => t.name === 'store 2')).toBe(true);
    });

    test('run metadata, windows and per-model tracks', () => {
      const { threads, slices, instants } = analyse();
      const runStart = instants.find((i) => i.name === 'run')!;
      expect(runStart.ts).toBe(0);
      for (let i = 0; i < RUN.length; i += 2) expect(runStart.ann[RUN[i]]).toBe(RUN[i + 1]);
      expect(runStart.ann.jobs).toBe(r.prog.jobs.length);
      const runEnd = instants.find((i) => i.name === 'run end')!;
      expect(runEnd.ann.makespan_ns).toBe(r.sim.makespanPs / 1000);
      expect(runEnd.ann.fingerprint).toBe(r.sim.fingerprint);
      expect(runEnd.ann.estimated_makespan_ns).toBe(r.estimate.makespanPs / 1000);
      expect(instants.some((i) => i.name === 'window 0 opens')).toBe(true);
      // One slice per model from its first job's start to its last job's end.
      for (const m of ['a', 'b']) {
        const s = slices.filter((x) => threads.get(x.begin.track)!.name === m);
        const js = r.prog.jobs.filter((j) => j.model === m).map((j) => r.sim.jobs[j.index]);
        expect(s.map((x) => [x.begin.ts, x.endTs])).toEqual([[Math.floor(Math.min(...js.map((t) => t.startPs)) / 1000), Math.floor(Math.max(...js.map((t) => t.endPs)) / 1000)]]);
      }
      // Model a's batch of 2 is split in window 0: its micro-batch track has the sample ranges.
      const mb = slices.filter((x) => threads.get(x.begin.track)!.name.startsWith('a micro-batches')).map((x) => x.begin.name).sort();
      expect(mb).toEqual(['a[0:1]', 'a[0:2]', 'a[1:2]']);
    });

    test('flows go from every producer job to each of its consumers', () => {
      const { slices, threads } = analyse();
      const onPe = slices.filter((s) => s.depth === 0 && threads.get(s.begin.track)!.name.startsWith('PE array') && !s.begin.name!.startsWith('wait'));
      const jobs = new Map(onPe.map((s) => [s.begin.name!, s]));
      expect(jobs.size).toBe(r.prog.jobs.length);
      const startOf = new Map<number, Slice>();
      const endOf = new Map<number, Slice>();
      for (const s of slices) {
        for (const f of s.begin.flows) startOf.set(f, s);
        for (const f of s.begin.terms) endOf.set(f, s);
      }
      for (const s of [...startOf.values(), ...endOf.values()]) expect(jobs.get(s.begin.name!)).toBe(s); // bound to job slices
      const edges = r.prog.jobs.reduce((a, j) => a + j.consumers.length, 0);
      expect(edges).toBeGreaterThan(5);
      expect(startOf.size).toBe(edges);
      expect(new Set(endOf.keys())).toEqual(new Set(startOf.keys())); // every flow terminated
      const pairs = new Set<string>();
      for (const [f, src] of startOf) {
        const dst = endOf.get(f)!;
        expect(src.endTs).toBeLessThanOrEqual(dst.begin.ts);
        pairs.add(`${src.begin.name}->${dst.begin.name}`);
      }
      const want = new Set(r.prog.jobs.flatMap((j) => j.consumers.map((c) => `${j.name}->${r.prog.jobs[c].name}`)));
      expect(pairs).toEqual(want);
    });

    test('counters integrate to the simulator totals and stay within physical bounds', () => {
      const { counters, samples } = analyse();
      const byName = new Map([...counters].map(([uuid, name]) => [name, samples.get(uuid) ?? []]));
      const series = (name: string) => {
        const s = byName.get(name);
        expect([name, s === undefined]).toEqual([name, false]);
        return s!;
      };
      // Step-function integral over ns; rate counters end with 0.
      const integral = (s: [number, number][]) => {
        expect(s.length).toBeGreaterThan(0);
        let a = 0;
        for (let i = 0; i + 1 < s.length; i++) {
          expect(s[i + 1][0]).toBeGreaterThan(s[i][0]);
          a += s[i][1] * (s[i + 1][0] - s[i][0]);
        }
        return a;
      };
      const endNs = Math.ceil(r.sim.makespanPs / 1000);
      const topo = r.prog.topology;
      for (const res of topo.resources) {
        if (res.kind === 'dram') {
          const bw = series(`${res.name} bandwidth (GB/s)`);
          expect(integral(bw)).toBeCloseTo(r.sim.counts.resourceBytes[res.index], 3); // GB/s x ns = bytes
          for (const [, v] of bw) expect(v).toBeLessThanOrEqual(res.bandwidthGBps * (1 + 1e-9));
        } else {
          const u = series(`${res.name} utilisation (fraction)`);
          expect(integral(u) * 1000).toBeCloseTo(r.sim.resourceBusyPs[res.index], 2);
          for (const [, v] of u) expect(v).toBeGreaterThanOrEqual(0);
          for (const [, v] of u) expect(v).toBeLessThanOrEqual(1 + 1e-9);
        }
        for (const [, v] of series(`${res.name} queue (packets)`)) expect(v).toBeGreaterThanOrEqual(0);
      }
      expect(r.sim.counts.resourceBytes.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      let pj = 0;
      let anyUtil = false;
      for (const ch of r.prog.pkg.chiplets) {
        pj += integral(series(`${ch.id} power (mW)`)); // mW x ns = pJ
        for (const [, v] of series(`${ch.id} PE utilisation (fraction)`)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-9);
          if (v > 0) anyUtil = true;
        }
        for (const [, v] of series(`${ch.id} buffer (bytes)`)) expect(v).toBeLessThanOrEqual(ch.kind.bufferBytes);
      }
      expect(anyUtil).toBe(true);
      const staticPj = r.prog.pkg.chiplets.reduce((a, c) => a + c.kind.staticPowerMw * endNs, 0);
      const e = r.sim.energy;
      expect(pj).toBeCloseTo(e.computePj + e.rfPj + e.arrayPj + e.bufferPj + staticPj, 3);
      expect(integral(series('NoP power (mW)'))).toBeCloseTo(e.nopPj, 3);
      expect(integral(series('DRAM power (mW)'))).toBeCloseTo(e.dramPj, 3);
      expect(integral(series('package power (mW)'))).toBeCloseTo(e.computePj + e.rfPj + e.arrayPj + e.bufferPj + staticPj + e.nopPj + e.dramPj, 3);
      // Cumulative energy (mJ) ends at the simulator's totals (static: to the ns-rounded end).
      const last = (n: string) => series(n)[series(n).length - 1];
      expect(last('energy compute (mJ)')).toEqual([endNs, expect.closeTo((e.computePj + e.rfPj + e.arrayPj) / 1e9, 12)]);
      expect(last('energy buffer (mJ)')[1]).toBeCloseTo(e.bufferPj / 1e9, 12);
      expect(last('energy NoP (mJ)')[1]).toBeCloseTo(e.nopPj / 1e9, 12);
      expect(last('energy DRAM (mJ)')[1]).toBeCloseTo(e.dramPj / 1e9, 12);
      expect(last('energy static (mJ)')[1]).toBeCloseTo(staticPj / 1e9, 12);
      // The total is the simulator's total (static to the ns-rounded end); registers and array
      // energy (the mapper's levels) are in the compute counter.
      expect(e.rfPj + e.arrayPj).toBeGreaterThan(0);
      expect(last('energy total (mJ)')[1]).toBeCloseTo((e.dynamicPj + staticPj) / 1e9, 9);
      const totals = series('energy total (mJ)').map(([, v]) => v);
      for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]);
    });

    if (packets) {
      test('packet runs on NoP and DRAM threads carry every byte the fabric moved', () => {
        const { threads, slices, errors } = analyse();
        expect(errors).toEqual([]);
        const nopPid = r.prog.pkg.chiplets.length + 2;
        const resSlices = slices.filter((s) => threads.get(s.begin.track)!.pid >= nopPid);
        const bytes = resSlices.reduce((a, s) => a + (s.begin.ann.bytes as number), 0);
        const packetsSeen = resSlices.reduce((a, s) => a + (s.begin.ann.packets as number), 0);
        expect(bytes).toBe(r.sim.counts.resourceBytes.reduce((a, b) => a + b, 0));
        expect(packetsSeen).toBe(r.rec.packets);
        expect(resSlices.length).toBeLessThan(r.rec.packets); // back-to-back packets of a job merge
      });
    } else {
      test('no packet threads without packet slices', () => {
        const { threads } = analyse();
        expect([...threads.values()].filter((t) => t.pid > r.prog.pkg.chiplets.length + 1)).toEqual([]);
      });
    }
  });

  test('output does not depend on the write chunk size', async () => {
    const a = await run({ chunkBytes: 100 });
    const b = await run({});
    expect(a.buf.length).toBeGreaterThan(1000);
    expect(Buffer.compare(a.buf, b.buf)).toBe(0);
  });

  test('a hand-laid tile slice is byte for byte what the Writer calls produce, odd numbers included', async () => {
    // Numbers at varint boundaries, beyond 2^32 and 2^53, negative (the Writer's int64), fractional,
    // NaN and infinities; queued and not; names new and already interned.
    class Probe extends PerfettoSink {
      emit(t: ThreadTrack, name: string, tsNs: number, key: number, job: number, bytes: number, gbps: number, q: number, qNs: number): void {
        this.tileBegin(t, name, tsNs, tsNs + 5, key, job, bytes, gbps, q, qNs);
      }
    }
    class WriterProbe extends Probe {
      protected override readonly handLaid = false;
    }
    const odd = [0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 60, -1, -(2 ** 31), 1.5, 0.1, NaN, Infinity, -Infinity, 5e-324];
    const prog = tinyProgram();
    const nRes = prog.topology.resources.length;
    const files = [path.join(dir, 'tile-fast.pftrace'), path.join(dir, 'tile-writer.pftrace')];
    for (const [i, file] of files.entries()) {
      const sink = i === 0 ? new Probe(file) : new WriterProbe(file);
      sink.begin({ pkg: prog.pkg, topology: prog.topology, jobs: prog.jobs });
      for (let k = 0; k < 3000; k++) {
        const t = { uuid: 1000 + (k % 7) } as ThreadTrack; // only the uuid is encoded
        const v = (m: number) => odd[(k * m) % odd.length];
        const q = k % 3 === 0 ? -1 : k % nRes;
        sink.emit(t, `tile ${k % 50}`, k % 11 === 0 ? 2 ** 33 + k : 1000 * k, 100 + (k % 50), k % prog.jobs.length, v(7), v(11), q, v(13));
      }
      await sink.end(1000);
    }
    const [a, b] = files.map((f) => fs.readFileSync(f));
    expect(a.length).toBeGreaterThan(50_000);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  test('hand-laid packets are byte for byte what the Writer calls produce', async () => {
    class WriterOnly extends PerfettoSink {
      protected override readonly handLaid = false;
    }
    const prog = tinyProgram();
    const files = [path.join(dir, 'fast.pftrace'), path.join(dir, 'writer.pftrace')];
    await simulate(prog, { sink: new PerfettoSink(files[0], { estimate: estimateProgram(prog), run: RUN }) });
    await simulate(prog, { sink: new WriterOnly(files[1], { estimate: estimateProgram(prog), run: RUN }) });
    const [a, b] = files.map((f) => fs.readFileSync(f));
    expect(a.length).toBeGreaterThan(1000);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  test('sink calls handled in batches of any size give the same bytes (.pftrace and Chrome JSON)', async () => {
    // The tiny run fits one default batch (all calls handled at end()); 1, 2 and 7 cut it everywhere.
    // Its loads queue (queued_on), which each load must read when reported, not when handled.
    const prog = tinyProgram();
    const write = async (json: boolean, callBatch?: number): Promise<Buffer> => {
      const file = path.join(dir, `batch-${callBatch ?? 'default'}.${json ? 'json' : 'pftrace'}`);
      const opts = { estimate: estimateProgram(prog), run: RUN, callBatch };
      await simulate(prog, { sink: json ? new ChromeJsonSink(file, opts) : new PerfettoSink(file, opts) });
      return fs.readFileSync(file);
    };
    for (const json of [false, true]) {
      const whole = await write(json);
      if (json) expect(whole.toString().match(/queued_on/g)?.length).toBeGreaterThan(10);
      for (const batch of [1, 2, 7]) expect(Buffer.compare(await write(json, batch), whole)).toBe(0);
    }
  });

  test('packets through the packet reporter give the same bytes as packet() calls', async () => {
    // A TeeSink has no packet reporter, so the fabric calls packet() on it for every packet.
    const prog = tinyProgram();
    const files = [path.join(dir, 'log.pftrace'), path.join(dir, 'calls.pftrace')];
    const direct = new PerfettoSink(files[0], { estimate: estimateProgram(prog), run: RUN });
    expect(direct.packetReporter).toBeTruthy();
    await simulate(prog, { sink: direct });
    await simulate(prog, { sink: new TeeSink([new PerfettoSink(files[1], { estimate: estimateProgram(prog), run: RUN })]) });
    const [a, b] = files.map((f) => fs.readFileSync(f));
    expect(a.length).toBeGreaterThan(1000);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  test('nothing is left behind when the trace is aborted or fails', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'abort-'));
    const prog = tinyProgram();
    const file = path.join(sub, 'x.pftrace');
    const sink = new PerfettoSink(file);
    sink.begin({ pkg: prog.pkg, topology: prog.topology, jobs: prog.jobs });
    sink.job(0, 0, 1000);
    expect(fs.readdirSync(sub).length).toBe(1); // the temporary file
    sink.abort(new Error('simulation failed'));
    expect(fs.readdirSync(sub)).toEqual([]);
    await expect(sink.end(1000)).rejects.toThrow('simulation failed');
    expect(fs.existsSync(file)).toBe(false);

    // A failure inside the sink (a bad job index) deletes the temp file; end() reports it.
    const sink2 = new PerfettoSink(file);
    sink2.begin({ pkg: prog.pkg, topology: prog.topology, jobs: prog.jobs });
    sink2.job(prog.jobs.length + 5, 0, 1000);
    expect(fs.readdirSync(sub)).toEqual([]);
    await expect(sink2.end(1000)).rejects.toThrow();
    expect(fs.existsSync(file)).toBe(false);

    // An existing file is replaced only when the new one is complete.
    fs.writeFileSync(file, 'old');
    const sink3 = new PerfettoSink(file);
    await simulate(prog, { sink: sink3 });
    expect(fs.readFileSync(file).length).toBeGreaterThan(100);
    expect(fs.readdirSync(sub)).toEqual(['x.pftrace']);
  });
});
