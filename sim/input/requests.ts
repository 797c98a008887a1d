/**
 * Loads a raw traffic file for `mcmsim traffic`: JSON lines, one request each, replayed open loop
 * without a schedule (as BookSim2's and DRAMsim3's trace modes replay theirs):
 *
 *   {"t_ns": 0, "src": "c0_0", "dst": "c2_2", "bytes": 2048}          chiplet to chiplet over the NoP
 *   {"t_ns": 5, "src": "dram0", "dst": "c1_1", "bytes": 64, "addr": 0}  a read from DRAM channel dram0
 *   {"t_ns": 9, "src": "c0_0", "dst": "dram1", "bytes": 64}             a write to DRAM channel dram1
 *
 * Blank lines are skipped. Every error names the file, the line and the field. A request without
 * `addr` continues its stream (same src and dst) where the stream's previous request ended; each
 * stream gets its own region (see assignAddresses).
 */
import { InputError } from './errors';
import { Node } from './json';
import { MAX_INPUT_FILE_BYTES } from './ranges';
import { readInputFile } from './json';
import { Package } from './types';

/** A request's end: a chiplet (index in grid order) or a DRAM channel (index in the package). */
export interface Endpoint {
  readonly kind: 'chiplet' | 'dram';
  readonly index: number;
  readonly id: string;
}

export interface TrafficRequest {
  /** 1-based line in the file, for messages. */
  readonly line: number;
  readonly injectPs: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly bytes: number;
  /** Byte address in the DRAM channel of the request's first byte (DRAM requests; -1 for NoP ones). */
  readonly addr: number;
}

/** Injection times up to 1e12 ns (1000 s) keep every ps time an exact integer double. */
const MAX_T_NS = 1e12;
/** One request up to 1 TiB (a transfer is cut into packets; its size only sets a count). */
const MAX_BYTES = 2 ** 40;
/** Addresses up to 2^48 bytes (256 TiB): beyond any DRAM device, still exact in a double. */
const MAX_ADDR = 2 ** 48;
/**
 * Requests per file: each costs about 200 bytes of state and a few events per packet, so 4 M
 * requests stay within about 1 GB. A 64 MiB file (the input size cap) holds at most ~1.3 M lines
 * of the shortest form, so in practice the file cap binds first.
 */
export const MAX_REQUESTS = 4 * 2 ** 20;

export function loadRequests(file: string, pkg: Package): TrafficRequest[] {
  const buf = readInputFile(file, MAX_INPUT_FILE_BYTES, (mib) => `file is ${mib.toFixed(0)} MiB; request files above ${MAX_INPUT_FILE_BYTES / 2 ** 20} MiB are refused`);
  if (buf.subarray(0, 4096).includes(0)) throw new InputError(file, '', 'not a JSON-lines text file (binary data)');
  return parseRequests(file, buf.toString('utf8'), pkg);
}

export function parseRequests(file: string, text: string, pkg: Package): TrafficRequest[] {
  const chiplets = new Map(pkg.chiplets.map((c) => [c.id, c.index]));
  const channels = new Map(pkg.dram.channels.map((c) => [c.id, c.index]));
  const endpoint = (n: Node): Endpoint => {
    const id = n.str();
    const c = chiplets.get(id);
    if (c !== undefined) return { kind: 'chiplet', index: c, id };
    const d = channels.get(id);
    if (d !== undefined) return { kind: 'dram', index: d, id };
    const last = pkg.chiplets[pkg.chiplets.length - 1].id;
    const dram = pkg.dram.channels.map((x) => x.id).join(', ');
    return n.fail(`"${id}" is neither a chiplet of ${pkg.name} (c0_0 .. ${last}) nor one of its DRAM channels (${dram})`);
  };
  const out: TrafficRequest[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const where = `line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new InputError(file, where, 'not a JSON object (each line is one request: {"t_ns": 0, "src": "c0_0", "dst": "c1_1", "bytes": 64})');
    }
    const o = new Node(file, where, json).obj(['t_ns', 'src', 'dst', 'bytes'], ['addr']);
    const tNs = o.get('t_ns').num({ min: 0, max: MAX_T_NS });
    const src = endpoint(o.get('src'));
    const dst = endpoint(o.get('dst'));
    const bytes = o.get('bytes').num({ int: true, min: 1, max: MAX_BYTES });
    if (src.kind === 'dram' && dst.kind === 'dram') o.fail(`src and dst are both DRAM channels (${src.id}, ${dst.id}): a request reads from or writes to one channel, with a chiplet at the other end`);
    if (src.kind === 'chiplet' && dst.kind === 'chiplet' && src.index === dst.index) o.get('dst').fail(`src and dst are the same chiplet (${src.id}): nothing crosses the NoP`);
    const addrN = o.opt('addr');
    if (addrN && src.kind === 'chiplet' && dst.kind === 'chiplet') addrN.fail('addr is for DRAM requests (a src or dst that names a DRAM channel)');
    const addr = addrN ? addrN.num({ int: true, min: 0, max: MAX_ADDR - bytes }) : -1;
    if (out.length === MAX_REQUESTS) throw new InputError(file, where, `more than ${MAX_REQUESTS} requests; split the file`);
    // ps from ns: rounded to whole ps, as every time in the engine is.
    out.push({ line: i + 1, injectPs: Math.round(tNs * 1000), src, dst, bytes, addr });
  }
  if (out.length === 0) throw new InputError(file, '', 'no requests (expected one JSON object per line)');
  return assignAddresses(out);
}

/**
 * Addresses of DRAM requests that give none: sequential per stream (the same src and dst), as a
 * streaming engine or a DMA walks its buffer. Streams are laid out on their channel one after
 * another in order of first appearance, each from a 1 MiB boundary after the highest byte any
 * explicit address of that channel reaches, so an implicit stream never shares rows with
 * another stream or with the explicit requests (1 MiB is a whole number of row stripes for
 * every preset: rows are 1-8 KiB across 2-16 banks).
 */
function assignAddresses(reqs: TrafficRequest[]): TrafficRequest[] {
  const ALIGN = 2 ** 20;
  const channelOf = (r: TrafficRequest) => (r.src.kind === 'dram' ? r.src.index : r.dst.kind === 'dram' ? r.dst.index : -1);
  const top = new Map<number, number>();
  const streamBytes = new Map<string, number>();
  const order: string[] = [];
  for (const r of reqs) {
    const ch = channelOf(r);
    if (ch < 0) continue;
    if (r.addr >= 0) top.set(ch, Math.max(top.get(ch) ?? 0, r.addr + r.bytes));
    else {
      const key = `${ch} ${r.src.id} ${r.dst.id}`;
      if (!streamBytes.has(key)) order.push(key);
      streamBytes.set(key, (streamBytes.get(key) ?? 0) + r.bytes);
    }
  }
  const next = new Map<string, number>();
  for (const key of order) {
    const ch = Number(key.split(' ')[0]);
    const base = Math.ceil((top.get(ch) ?? 0) / ALIGN) * ALIGN;
    next.set(key, base);
    top.set(ch, base + streamBytes.get(key)!);
  }
  return reqs.map((r) => {
    const ch = channelOf(r);
    if (ch < 0 || r.addr >= 0) return r;
    const key = `${ch} ${r.src.id} ${r.dst.id}`;
    const addr = next.get(key)!;
    next.set(key, addr + r.bytes);
    return { ...r, addr };
  });
}
