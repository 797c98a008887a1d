/**
 * ChromeJsonSink: streams a Chrome JSON trace (`{"traceEvents":[...],"metadata":{...}}`), the
 * format of chrome://tracing, also read by ui.perfetto.dev. Same tracks, slices, flows,
 * instants and counters as the Perfetto sink (see timeline.ts), in time order, written as
 *   "M" metadata: process_name / thread_name (+ sort indices) for every track,
 *   "X" complete events for slices, "B"/"E" for the few whose end is not known when they begin
 *      (scheduling windows, model spans),
 *   "s" / "f" flow events (id = dependency, "f" binds to the enclosing slice: "bp":"e"), at the
 *      start of the producer / consumer job on its "PE array" thread, which holds nothing but
 *      jobs (tiles and stalls go to "PE array detail") so a flow can only bind to a job,
 *   "i" instants (run metadata, window openings), "C" counters (args {<unit>: value}),
 *   and the run's metadata again in the top-level "metadata" object.
 *
 * Timestamps: the format's unit is the µs; a JSON number is read as a double and rounded to ns
 * on import (Perfetto: llround(ts * 1000), separately for ts and dur). Writing start and end as
 * whole ns, ts = startNs / 1000 and dur = (endNs - startNs) / 1000 with at most 3 decimals,
 * makes both exact after that rounding, so end = ts + dur is the same ns the next slice starts
 * at and no slice overlaps its neighbour (overlapping complete events are dropped).
 * Events are joined into ~64 KiB strings and written to a temporary file renamed on end().
 */
import { Args, CounterTrack, ProcessTrack, ThreadTrack, TimelineOptions, TimelineSink } from './timeline';

export class ChromeJsonSink extends TimelineSink {
  protected readonly nestDetail = false;
  private parts: string[] = [];
  private size = 0;
  private events = 0;
  private readonly quoted = new Map<string, string>();

  constructor(outPath: string, opts: TimelineOptions = {}) {
    super(outPath, opts);
  }

  protected startFile(): void {
    this.put('{"traceEvents":[\n');
  }

  protected defineProcess(p: ProcessTrack): void {
    this.event(`{"name":"process_name","ph":"M","pid":${p.pid},"args":{"name":${JSON.stringify(p.name)}}}`);
    this.event(`{"name":"process_sort_index","ph":"M","pid":${p.pid},"args":{"sort_index":${p.sortIndex}}}`);
  }

  protected defineThread(t: ThreadTrack): void {
    this.event(`{"name":"thread_name","ph":"M","pid":${t.pid},"tid":${t.tid},"args":{"name":${JSON.stringify(t.name)}}}`);
    this.event(`{"name":"thread_sort_index","ph":"M","pid":${t.pid},"tid":${t.tid},"args":{"sort_index":${t.sortIndex}}}`);
  }

  protected defineCounter(_c: CounterTrack): void {}

  protected beginSlice(
    t: ThreadTrack, name: string, tsNs: number, endNs: number, args: Args | null,
    flowsOut: readonly number[], flowsIn: readonly number[],
  ): void {
    const where = `"pid":${t.pid},"tid":${t.tid},"ts":${usOfNs(tsNs)}`;
    const a = args ? `,"args":${argsJson(args, this.quoted)}` : '';
    if (endNs < 0) this.event(`{"name":${quote(name, this.quoted)},"ph":"B",${where}${a}}`);
    else this.event(`{"name":${quote(name, this.quoted)},"ph":"X",${where},"dur":${usOfNs(endNs - tsNs)}${a}}`);
    for (const id of flowsIn) this.event(`{"name":"dep","cat":"flow","ph":"f","bp":"e","id":${id},${where}}`);
    for (const id of flowsOut) this.event(`{"name":"dep","cat":"flow","ph":"s","id":${id},${where}}`);
  }

  protected endSlice(t: ThreadTrack, endNs: number, openEnded: boolean, args: Args | null): void {
    if (openEnded) this.event(`{"ph":"E","pid":${t.pid},"tid":${t.tid},"ts":${usOfNs(endNs)}${args ? `,"args":${argsJson(args, this.quoted)}` : ''}}`);
  }

  protected instant(t: ThreadTrack, name: string, tsNs: number, args: Args | null): void {
    const a = args ? `,"args":${argsJson(args, this.quoted)}` : '';
    this.event(`{"name":${quote(name, this.quoted)},"ph":"i","s":"t","pid":${t.pid},"tid":${t.tid},"ts":${usOfNs(tsNs)}${a}}`);
  }

  protected counter(c: CounterTrack, tsNs: number, value: number): void {
    this.event(`{"name":${quote(c.label, this.quoted)},"ph":"C","pid":${c.process.pid},"ts":${usOfNs(tsNs)},"args":{${quote(c.unit, this.quoted)}:${num(value)}}}`);
  }

  protected finishFile(run: Args): void {
    this.put(`\n],"metadata":${argsJson(run, this.quoted)}}\n`);
    this.flush();
  }

  private event(s: string): void {
    this.put(this.events++ === 0 ? s : ',\n' + s);
  }

  private put(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.chunkBytes) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    this.file.write(Buffer.from(this.parts.join(''), 'utf8'));
    this.parts = [];
    this.size = 0;
  }
}

/** Whole nanoseconds as exact decimal microseconds ("1.234"): at most 3 decimals. */
export function usOfNs(ns: number): string {
  if (!Number.isSafeInteger(ns) || ns < 0) throw new Error(`trace: timestamp ${ns} ns is not a whole non-negative number`);
  const whole = Math.floor(ns / 1000);
  const frac = ns - whole * 1000;
  if (frac === 0) return String(whole);
  // The fraction's digits without trailing zeros (arithmetic: this runs for most events).
  if (frac % 100 === 0) return `${whole}.${frac / 100}`;
  if (frac % 10 === 0) return `${whole}.${frac < 100 ? '0' : ''}${frac / 10}`;
  return `${whole}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : '0';
}

function argsJson(args: Args, quoted: Map<string, string>): string {
  let s = '{';
  for (let i = 0; i < args.length; i += 2) {
    const v = args[i + 1];
    s += `${i ? ',' : ''}${quote(args[i] as string, quoted)}:${typeof v === 'string' ? quote(v, quoted) : num(v)}`;
  }
  return s + '}';
}

/** JSON.stringify of a string, remembered: slice, counter and argument names and job and resource names repeat across many events. */
function quote(v: string, quoted: Map<string, string>): string {
  let q = quoted.get(v);
  if (q === undefined) {
    q = JSON.stringify(v);
    if (quoted.size < QUOTED_MAX) quoted.set(v, q);
  }
  return q;
}

/** Strings remembered by one sink (a bound on memory; the names of a run are far fewer). */
const QUOTED_MAX = 1 << 16;
