/** Opens the trace sinks a command asked for (none: tracing costs nothing). */
import { TeeSink, TraceSink } from '../trace/sink';
import { PerfettoSink } from '../trace/perfetto';
import { ChromeJsonSink } from '../trace/chrome';

export function openSinks(perfettoFile?: string, chromeFile?: string, packets = false): TraceSink | null {
  const sinks: TraceSink[] = [];
  if (perfettoFile) sinks.push(new PerfettoSink(perfettoFile, { packets }));
  if (chromeFile) sinks.push(new ChromeJsonSink(chromeFile, { packets }));
  return sinks.length === 0 ? null : sinks.length === 1 ? sinks[0] : new TeeSink(sinks);
}
