/**
 * ChromeJsonSink: streams a Chrome JSON trace (`{"traceEvents":[...]}`), the format of
 * chrome://tracing and also readable by ui.perfetto.dev. Same tracks, slices, flows and
 * counters as the Perfetto sink (see timeline.ts), written as
 *   "M" metadata: process_name / thread_name (+ sort indices) for every track,
 *   "X" complete events for slices (ts and dur in µs, exact decimals of the integer ps),
 *   "s" / "f" flow events (id = dependency, "f" binds to the enclosing slice: "bp":"e"),
 *      both at the start of the producer / consumer job on its PE-array thread,
 *   "C" counter events (args {<unit>: value}).
 * Events are joined into ~1 MiB strings and written to a temporary file renamed on end().
 */
import { Args, CounterTrack, ProcessTrack, ThreadTrack, TimelineOptions, TimelineSink } from './timeline';

export class ChromeJsonSink extends TimelineSink {
  private parts: string[] = [];
  private size = 0;
  private events = 0;

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
    t: ThreadTrack, name: string, startPs: number, endPs: number, args: Args | null,
    flowsOut: readonly number[], flowsIn: readonly number[],
  ): void {
    const where = `"pid":${t.pid},"tid":${t.tid},"ts":${us(startPs)}`;
    const a = args ? `,"args":${argsJson(args)}` : '';
    this.event(`{"name":${JSON.stringify(name)},"ph":"X",${where},"dur":${us(endPs - startPs)}${a}}`);
    for (const id of flowsIn) this.event(`{"name":"dep","cat":"flow","ph":"f","bp":"e","id":${id},${where}}`);
    for (const id of flowsOut) this.event(`{"name":"dep","cat":"flow","ph":"s","id":${id},${where}}`);
  }

  protected endSlice(): void {}

  protected counter(c: CounterTrack, tsPs: number, value: number): void {
    this.event(`{"name":${JSON.stringify(c.label)},"ph":"C","pid":${c.process.pid},"ts":${us(tsPs)},"args":{${JSON.stringify(c.unit)}:${num(value)}}}`);
  }

  protected finishFile(): void {
    this.put('\n],"displayTimeUnit":"ns"}\n');
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

/** Integer picoseconds as exact decimal microseconds ("1.234567"). */
export function us(ps: number): string {
  if (!Number.isSafeInteger(ps) || ps < 0) return num(ps / 1e6);
  const whole = Math.floor(ps / 1e6);
  const frac = ps - whole * 1e6;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : '0';
}

function argsJson(args: Args): string {
  let s = '{';
  for (let i = 0; i < args.length; i++) {
    const [k, v] = args[i];
    s += `${i ? ',' : ''}${JSON.stringify(k)}:${typeof v === 'string' ? JSON.stringify(v) : num(v)}`;
  }
  return s + '}';
}
