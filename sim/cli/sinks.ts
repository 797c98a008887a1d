/** Opens the trace sinks a command asked for (none: tracing costs nothing). */
import { TeeSink, TraceSink } from '../trace/sink';
import { PerfettoSink } from '../trace/perfetto';
import { ChromeJsonSink } from '../trace/chrome';

export function openSinks(perfettoFile?: string, chromeFile?: string): TraceSink | null {
  const sinks: TraceSink[] = [];
  if (perfettoFile) sinks.push(new PerfettoSink(perfettoFile));
  if (chromeFile) sinks.push(new ChromeJsonSink(chromeFile));
  return sinks.length === 0 ? null : sinks.length === 1 ? sinks[0] : new TeeSink(sinks);
}
