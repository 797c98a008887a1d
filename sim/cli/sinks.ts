/** Opens the trace sinks a command asked for (none: tracing costs nothing). */
import { TeeSink, TraceSink } from '../trace/sink';
import { PerfettoSink } from '../trace/perfetto';
import { ChromeJsonSink } from '../trace/chrome';
import { TimelineOptions } from '../trace/timeline';
import { runInfo } from '../trace/runinfo';
import { SinkContext } from '../pipeline';

export function openSinks(perfettoFile?: string, chromeFile?: string, packets = false, ctx?: SinkContext & { seed?: string }): TraceSink | null {
  const opts: TimelineOptions = ctx ? { packets, run: runInfo(ctx.program, ctx.schedule, ctx.seed), estimate: ctx.estimate } : { packets };
  const sinks: TraceSink[] = [];
  if (perfettoFile) sinks.push(new PerfettoSink(perfettoFile, opts));
  if (chromeFile) sinks.push(new ChromeJsonSink(chromeFile, opts));
  return sinks.length === 0 ? null : sinks.length === 1 ? sinks[0] : new TeeSink(sinks);
}
