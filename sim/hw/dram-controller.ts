/**
 * The "banked" DRAM model: one memory controller per channel in front of bank groups of banks
 * with one open row each (open-page policy), scheduling DRAM commands, not packets.
 *
 * Requests. A packet that reaches the channel is split into bursts (BankedDramSpec.burstBytes)
 * at the controller. Bursts enter a read queue or a write queue of bounded depth
 * (readQueueDepth / writeQueueDepth) in arrival order; a packet that does not fit waits in an
 * admission FIFO (head-of-line, as at a controller's single input port) and its source is told
 * `accepted` only when its last burst is queued, so a full queue back-pressures the source.
 * A packet is served (fabric.served) when the data of its last burst has left the data bus,
 * for a write too (its data on the DRAM bus), never when merely queued.
 *
 * Scheduling, one command at a time on the command bus (tCK apart; HBM2 has separate row and
 * column command buses, JESD235, so a row and a column command may share a clock):
 *   mode     the controller serves reads, or writes: a forced drain starts when the write
 *            queue holds writeHighWatermark x depth bursts or more and runs until it holds
 *            writeLowWatermark x depth or fewer (Ramulator 2's GenericDRAMController rule; the
 *            default watermarks, full and empty, are DRAMsim3's: it drains when its write buffer
 *            is full, until it is empty); writes are also served while no read waits, and the
 *            first read to arrive then goes first
 *   FR-FCFS  over every burst queued in the current mode's queue, whatever stream it came from:
 *            the oldest burst whose column command (a row hit) can issue now; else the oldest
 *            burst whose ACT or PRE can issue now; a bank's open row is not closed while a burst
 *            queued in this mode still hits it. When none can, the oldest burst of the other
 *            queue may get its ACT or PRE (a row neither queue hits), so a mode switch finds its
 *            rows open. When nothing can issue, the controller sleeps until the earliest time
 *            something can, or a new burst arrives.
 * Timing rules (JESD79-4 / JESD235 names; every number in sim/input/dram-presets.ts):
 *   ACT   >= PRE + tRP, >= ACT same bank + tRC, >= ACT same bank group + tRRD_L, other group
 *         + tRRD_S, >= the 4th-last ACT + tFAW, >= REF + tRFC
 *   RD/WR >= ACT + tRCD, >= last column + tCCD_L (same bank group) / tCCD_S; RD >= end of write
 *         data + tWTR_L / tWTR_S; WR >= last RD + tRTW; data (tCL / tCWL after the command, then
 *         tBurst) never overlaps the previous burst's data
 *   PRE   >= ACT + tRAS, >= RD + tRTP, >= end of write data + tWR
 *   REF   every tREFI: all banks precharged (each PRE by the rules above, then tRP), then the
 *         channel's banks are blocked for tRFC (all-bank refresh; none is postponed)
 * Not modelled: power-down, self refresh, per-bank refresh, ranks (one rank per channel),
 * read-after-write forwarding from the write queue.
 *
 * Address mapping (low to high bits), as the per-packet model documents it: consecutive bursts
 * rotate over the bank groups, then the column in the row, then the bank, then the row:
 *   n = address / burstBytes; bankGroup = n mod BG; column = (n / BG) mod (rowBytes / burstBytes)
 *   bank = (n / (BG * columns)) mod banksPerGroup; row = n / (BG * columns * banksPerGroup)
 * A transfer with an address (Fabric.send's addr) uses it; otherwise each transfer gets its own
 * range from a bump allocator aligned to a row stripe, so interleaved transfers compete for rows.
 *
 * Energy (replaces the channel's pJ/bit DRAM energy): activates x E_act + read bursts x E_rd +
 * write bursts x E_wr + refreshes (one per tREFI of the run) x E_ref + background power x run
 * time (sim/input/dram-presets.ts for the sources).
 */
import { Engine, EventTarget } from '../engine/engine';
import { ChannelServer, Fabric, Packet, packetAddress, packetWrite } from './fabric';
import { BankedDramSpec } from '../input/types';
import { BankedStats, bankedEnergyPj } from './dram-banked';

const WAKE = 1;
const DONE = 2;

const ps = (ns: number) => Math.round(ns * 1000);

/** A packet inside the controller, from arrival to its last burst's data end. Pooled. */
interface Req {
  p: Packet | null;
  arrivePs: number;
  /** Address of the packet's first byte. */
  addr: number;
  write: boolean;
  bursts: number;
  /** Bursts put in a queue so far, and bursts whose data has not yet left the bus. */
  admitted: number;
  left: number;
  /** First command issued for it, last data end. */
  startPs: number;
  endPs: number;
}

/** One burst waiting in a queue. Pooled. */
interface Burst {
  req: Req | null;
  bank: number;
  bg: number;
  row: number;
}

/** Timing parameters in integer picoseconds. */
interface Timing {
  ck: number; burst: number; rcd: number; rp: number; ras: number; rc: number; cl: number; cwl: number;
  ccdS: number; ccdL: number; rrdS: number; rrdL: number; faw: number; wtrS: number; wtrL: number;
  rtw: number; wr: number; rtp: number; rfc: number; refi: number;
}

const CMD_NONE = 0;
const CMD_COL = 1;
const CMD_ACT = 2;
const CMD_PRE = 3;

/** A bounded FIFO of bursts that allows removal from the middle (depth is small: <= 256). */
class BurstQueue {
  readonly items: Burst[] = [];
  constructor(readonly depth: number) {}
  get length(): number {
    return this.items.length;
  }
  get full(): boolean {
    return this.items.length >= this.depth;
  }
}

/** One channel's controller and banks. */
export class ControllerChannel implements ChannelServer, EventTarget {
  private readonly t: Timing;
  private readonly nBanks: number;
  private readonly columns: number;
  // Per bank: open row (-1 closed), earliest ACT / column / PRE, and whether the next column is
  // the first after its ACT (a row miss in the statistics).
  private readonly openRow: Float64Array;
  private readonly actOkPs: Float64Array;
  private readonly colOkPs: Float64Array;
  private readonly preOkPs: Float64Array;
  private readonly fresh: Uint8Array;
  /** Per bank: queued reads / writes that hit its open row (kept up to date, not rescanned). */
  private readonly readHits: Int32Array;
  private readonly writeHits: Int32Array;
  /**
   * Per bank, the last scan that timed a row hit / a row command there: every hit of a bank can
   * go at the same time, and so can its row command, so a scan times each once (oldest first).
   */
  private readonly hitScan: Int32Array;
  private readonly rowScan: Int32Array;
  private scan = 0;
  /** Last ACT per bank group and the last four ACTs (tFAW), ps. */
  private readonly lastActBgPs: Float64Array;
  private readonly fawPs = new Float64Array(4).fill(-Infinity);
  private fawHead = 0;
  private lastActPs = -Infinity;
  private lastColPs = -Infinity;
  private lastColBg = -1;
  private lastReadColPs = -Infinity;
  private lastWriteEndPs = -Infinity;
  private lastWriteBg = -1;
  private busFreePs = 0;
  /** Earliest next row command (ACT/PRE) and column command on the command bus(es). */
  private rowCmdFreePs = 0;
  private colCmdFreePs = 0;
  private nextRefreshPs: number;
  private writeMode = false;
  /**
   * After a step that issued nothing: the burst whose column command is the first to become
   * possible (index in the current queue), or -1 when a row command comes first.
   */
  private nextHit = -1;
  private forcedDrain = false;
  private readonly readQ: BurstQueue;
  private readonly writeQ: BurstQueue;
  private readonly highWrites: number;
  private readonly lowWrites: number;
  /** Packets not yet wholly queued, oldest first. */
  private admitQ: Req[] = [];
  private admitHead = 0;
  private readonly reqPool: Req[] = [];
  private readonly burstPool: Burst[] = [];
  /** Time of the pending wake-up event and its generation (older events are ignored). */
  private wakePs = Infinity;
  private wakeGen = 0;
  private nextAddr = 0;
  readonly stats: BankedStats & { readQueueMax: number; writeQueueMax: number } = {
    rowHits: 0, rowMisses: 0, activates: 0, readBursts: 0, writeBursts: 0, refreshStalls: 0, readQueueMax: 0, writeQueueMax: 0,
  };

  constructor(
    readonly spec: BankedDramSpec,
    private readonly engine: Engine,
    private readonly fabric: Pick<Fabric, 'served' | 'accepted'>,
    readonly resource: number,
  ) {
    const s = spec;
    this.t = {
      ck: ps(s.tCkNs), burst: ps(s.tBurstNs), rcd: ps(s.tRcdNs), rp: ps(s.tRpNs), ras: ps(s.tRasNs), rc: ps(s.tRasNs + s.tRpNs),
      cl: ps(s.tClNs), cwl: ps(s.tCwlNs), ccdS: ps(s.tCcdSNs), ccdL: ps(s.tCcdLNs), rrdS: ps(s.tRrdSNs), rrdL: ps(s.tRrdLNs),
      faw: ps(s.tFawNs), wtrS: ps(s.tWtrSNs), wtrL: ps(s.tWtrLNs), rtw: ps(s.tRtwNs), wr: ps(s.tWrNs), rtp: ps(s.tRtpNs),
      rfc: ps(s.tRfcNs), refi: ps(s.tRefiNs),
    };
    this.nBanks = s.bankGroups * s.banksPerGroup;
    this.columns = Math.max(1, Math.floor(s.rowBytes / s.burstBytes));
    this.openRow = new Float64Array(this.nBanks).fill(-1);
    this.actOkPs = new Float64Array(this.nBanks);
    this.colOkPs = new Float64Array(this.nBanks);
    this.preOkPs = new Float64Array(this.nBanks);
    this.fresh = new Uint8Array(this.nBanks);
    this.readHits = new Int32Array(this.nBanks);
    this.writeHits = new Int32Array(this.nBanks);
    this.hitScan = new Int32Array(this.nBanks);
    this.rowScan = new Int32Array(this.nBanks);
    this.lastActBgPs = new Float64Array(s.bankGroups).fill(-Infinity);
    this.nextRefreshPs = this.t.refi;
    this.readQ = new BurstQueue(s.readQueueDepth);
    this.writeQ = new BurstQueue(s.writeQueueDepth);
    this.highWrites = s.writeHighWatermark * s.writeQueueDepth;
    this.lowWrites = s.writeLowWatermark * s.writeQueueDepth;
  }

  /** Address range of a new transfer: starts on a fresh row stripe (all bank groups). */
  private readonly alloc = (bytes: number): number => {
    const stripe = this.spec.bankGroups * this.spec.rowBytes;
    const base = this.nextAddr;
    this.nextAddr += Math.ceil(Math.max(1, bytes) / stripe) * stripe;
    return base;
  };

  enqueue(p: Packet, nowPs: number): void {
    const r = this.reqPool.pop() ?? { p: null, arrivePs: 0, addr: 0, write: false, bursts: 0, admitted: 0, left: 0, startPs: 0, endPs: 0 };
    r.p = p;
    r.arrivePs = nowPs;
    r.addr = packetAddress(p, this.alloc);
    r.write = packetWrite(p);
    r.bursts = Math.max(1, Math.ceil(p.bytes / this.spec.burstBytes));
    r.admitted = 0;
    r.left = r.bursts;
    r.startPs = -1;
    r.endPs = 0;
    this.admitQ.push(r);
    this.admit(nowPs);
    this.wake(nowPs);
  }

  /** Moves bursts of waiting packets into their queues, oldest packet first, while room. */
  private admit(nowPs: number): void {
    let changed = false;
    while (this.admitHead < this.admitQ.length) {
      const r = this.admitQ[this.admitHead];
      const q = r.write ? this.writeQ : this.readQ;
      const bb = this.spec.burstBytes;
      while (r.admitted < r.bursts && !q.full) {
        const b = this.burstPool.pop() ?? { req: null, bank: 0, bg: 0, row: 0 };
        b.req = r;
        this.locate(r.addr + r.admitted * bb, b);
        if (this.openRow[b.bank] === b.row) (r.write ? this.writeHits : this.readHits)[b.bank]++;
        q.items.push(b);
        r.admitted++;
        changed = true;
      }
      if (r.admitted < r.bursts) break;
      this.admitQ[this.admitHead++] = null as unknown as Req;
      this.fabric.accepted(r.p!, nowPs);
    }
    if (this.admitHead > 64 && this.admitHead * 2 > this.admitQ.length) {
      this.admitQ = this.admitQ.slice(this.admitHead);
      this.admitHead = 0;
    }
    if (changed) this.queueChanged();
  }

  /** Keeps the queue-depth high-water marks (reported with the model's counters). */
  private queueChanged(): void {
    const st = this.stats;
    // Queues hold at most their configured depth (admission waits otherwise).
    if (this.engine.check.on) {
      const now = this.engine.nowPs;
      this.engine.check.queue(`DRAM resource ${this.resource} read queue`, this.readQ.length, now, this.spec.readQueueDepth);
      this.engine.check.queue(`DRAM resource ${this.resource} write queue`, this.writeQ.length, now, this.spec.writeQueueDepth);
    }
    if (this.readQ.length > st.readQueueMax) st.readQueueMax = this.readQ.length;
    if (this.writeQ.length > st.writeQueueMax) st.writeQueueMax = this.writeQ.length;
  }

  /** Bank group, bank (bank group major) and row of the burst at byte address `addr`. */
  private locate(addr: number, b: Burst): void {
    const s = this.spec;
    const n = Math.floor(addr / s.burstBytes);
    const bg = n % s.bankGroups;
    const rest = Math.floor(n / (s.bankGroups * this.columns));
    b.bg = bg;
    b.bank = bg * s.banksPerGroup + (rest % s.banksPerGroup);
    b.row = Math.floor(rest / s.banksPerGroup);
  }

  /** Makes sure the controller decides again no later than t. */
  private wake(t: number): void {
    if (t >= this.wakePs) return;
    this.wakePs = t;
    this.engine.at(t, this, WAKE, ++this.wakeGen);
  }

  onEvent(kind: number, arg: unknown, now: number): void {
    if (kind === WAKE) {
      if (arg !== this.wakeGen) return;
      this.wakePs = Infinity;
      this.run(now);
    } else {
      const r = arg as Req;
      this.fabric.served(r.p!, this.resource, r.arrivePs, r.startPs, r.endPs, r.bursts * this.t.burst);
      r.p = null;
      this.reqPool.push(r);
    }
  }

  /**
   * Issues every command that can issue now, then sleeps until the next one can. When that is
   * before the engine's next event, nothing can arrive in between, so the controller moves its
   * own clock there instead of scheduling a wake-up (same commands, one event less per burst).
   */
  private run(now: number): void {
    for (;;) {
      if (this.readQ.length + this.writeQ.length === 0) return;
      if (now >= this.nextRefreshPs) this.refresh(now);
      const next = this.step(now);
      if (next > now) {
        const t = Math.min(next, this.nextRefreshPs);
        if (t === Infinity || t >= this.engine.nextEventPs) {
          this.wake(t);
          return;
        }
        now = t;
        // Nothing changed since that step but the time: its first row hit to become possible is
        // what a new step would issue now (no refresh due first), so issue it without rescanning.
        if (this.nextHit >= 0 && now === next && now < this.nextRefreshPs) this.issueColumn(this.writeMode ? this.writeQ : this.readQ, this.nextHit, now);
      }
    }
  }

  /** All-bank refreshes due by now: precharge what is open, then block the banks for tRFC. */
  private refresh(now: number): void {
    const T = this.t;
    while (this.nextRefreshPs <= now) {
      let start = Math.max(this.nextRefreshPs, this.rowCmdFreePs);
      let open = false;
      for (let b = 0; b < this.nBanks; b++) {
        if (this.openRow[b] >= 0) {
          open = true;
          start = Math.max(start, this.preOkPs[b], this.actOkPs[b] - T.rc + T.ras);
        } else start = Math.max(start, this.actOkPs[b]);
      }
      if (open) start += T.rp;
      const end = start + T.rfc;
      this.openRow.fill(-1);
      this.readHits.fill(0);
      this.writeHits.fill(0);
      this.actOkPs.fill(end);
      this.rowCmdFreePs = start + T.ck;
      if (end > now) this.stats.refreshStalls++;
      this.nextRefreshPs += T.refi;
    }
  }

  /**
   * One FR-FCFS decision at `now`: issues a command and returns now, or returns the earliest
   * time a command could issue (Infinity when none can without a new arrival).
   */
  private step(now: number): number {
    // Mode (the watermark rule in the header).
    const nr = this.readQ.length;
    const nw = this.writeQ.length;
    if (this.writeMode) {
      // A drain forced by the high watermark runs down to the low one; writes served only
      // because no read waited stop at the first read.
      if (nw === 0 || (nr > 0 && (!this.forcedDrain || nw <= this.lowWrites))) this.writeMode = false;
    } else if (nw > 0 && (nw >= this.highWrites || nr === 0)) {
      this.writeMode = true;
      this.forcedDrain = nw >= this.highWrites;
    }
    const q = this.writeMode ? this.writeQ : this.readQ;
    const hits = this.writeMode ? this.writeHits : this.readHits;
    const items = q.items;
    const T = this.t;
    const write = this.writeMode;
    const lat = write ? T.cwl : T.cl;
    let bestRow = -1;
    let bestRowCmd = CMD_NONE;
    let earliest = Infinity;
    // The oldest row hit of the earliest hit time (hit times are per bank, oldest first).
    let hitT = Infinity;
    let hitIdx = -1;
    // Column-command lower bound shared by every burst (bus, turnarounds), and per bank group.
    let colBase = Math.max(this.colCmdFreePs, this.busFreePs - lat);
    if (write) colBase = Math.max(colBase, this.lastReadColPs + T.rtw);
    const scan = ++this.scan;
    for (let i = 0; i < items.length; i++) {
      const b = items[i];
      const bank = b.bank;
      const open = this.openRow[bank];
      let t: number;
      if (open === b.row) {
        if (this.hitScan[bank] === scan) continue;
        this.hitScan[bank] = scan;
        t = Math.max(colBase, this.colOkPs[bank], this.lastColPs + (b.bg === this.lastColBg ? T.ccdL : T.ccdS));
        if (!write) t = Math.max(t, this.lastWriteEndPs + (b.bg === this.lastWriteBg ? T.wtrL : T.wtrS));
        if (t <= now) {
          // The oldest ready row hit wins whatever comes after it: issue without scanning on.
          this.issueColumn(q, i, now);
          return now;
        }
        if (t < hitT) (hitT = t), (hitIdx = i);
      } else {
        if (bestRow >= 0 || this.rowScan[bank] === scan) continue;
        this.rowScan[bank] = scan;
        if (open < 0) {
          t = Math.max(this.rowCmdFreePs, this.actOkPs[bank], this.lastActBgPs[b.bg] + T.rrdL, this.lastActPs + T.rrdS, this.fawPs[this.fawHead] + T.faw);
          if (t <= now) (bestRow = i), (bestRowCmd = CMD_ACT);
        } else {
          if (hits[bank] > 0) continue;
          t = Math.max(this.rowCmdFreePs, this.preOkPs[bank]);
          if (t <= now) (bestRow = i), (bestRowCmd = CMD_PRE);
        }
      }
      if (t < earliest) earliest = t;
    }
    if (bestRow >= 0) {
      const b = items[bestRow];
      if (bestRowCmd === CMD_ACT) this.activate(b, now);
      else this.precharge(b.bank, now);
      return now;
    }
    // Nothing of this mode can go now: open rows for the other queue's oldest bursts meanwhile
    // (row commands only, never a row either queue still hits), so a mode switch finds them open.
    const other = (write ? this.readQ : this.writeQ).items;
    for (let i = 0; i < other.length; i++) {
      const b = other[i];
      const bank = b.bank;
      const open = this.openRow[bank];
      if (open === b.row || this.rowScan[bank] === scan) continue;
      this.rowScan[bank] = scan;
      let t: number;
      if (open < 0) t = Math.max(this.rowCmdFreePs, this.actOkPs[bank], this.lastActBgPs[b.bg] + T.rrdL, this.lastActPs + T.rrdS, this.fawPs[this.fawHead] + T.faw);
      else if (this.readHits[bank] + this.writeHits[bank] > 0) continue;
      else t = Math.max(this.rowCmdFreePs, this.preOkPs[bank]);
      if (t <= now) {
        if (open < 0) this.activate(b, now);
        else this.precharge(bank, now);
        return now;
      }
      if (t < earliest) earliest = t;
    }
    this.nextHit = hitT === earliest ? hitIdx : -1;
    return earliest;
  }

  private activate(b: Burst, now: number): void {
    const T = this.t;
    const bank = b.bank;
    this.openRow[bank] = b.row;
    this.colOkPs[bank] = now + T.rcd;
    this.preOkPs[bank] = Math.max(this.preOkPs[bank], now + T.ras);
    this.actOkPs[bank] = now + T.rc;
    this.fresh[bank] = 1;
    this.readHits[bank] = this.countHits(this.readQ, bank, b.row);
    this.writeHits[bank] = this.countHits(this.writeQ, bank, b.row);
    this.lastActBgPs[b.bg] = now;
    this.lastActPs = now;
    this.fawPs[this.fawHead] = now;
    this.fawHead = (this.fawHead + 1) & 3;
    this.rowCmdFreePs = now + T.ck;
    if (!this.spec.dualCommandBus) this.colCmdFreePs = this.rowCmdFreePs;
    this.stats.activates++;
    const r = b.req!;
    if (r.startPs < 0) r.startPs = now;
  }

  /** Bursts of queue q on the given bank and row. */
  private countHits(q: BurstQueue, bank: number, row: number): number {
    let n = 0;
    for (const b of q.items) if (b.bank === bank && b.row === row) n++;
    return n;
  }

  private precharge(bank: number, now: number): void {
    this.openRow[bank] = -1;
    this.readHits[bank] = 0;
    this.writeHits[bank] = 0;
    this.actOkPs[bank] = Math.max(this.actOkPs[bank], now + this.t.rp);
    this.rowCmdFreePs = now + this.t.ck;
    if (!this.spec.dualCommandBus) this.colCmdFreePs = this.rowCmdFreePs;
  }

  private issueColumn(q: BurstQueue, i: number, now: number): void {
    const T = this.t;
    const items = q.items;
    const b = items[i];
    // Remove in place, keeping arrival order (splice would allocate its result array).
    for (let k = i + 1; k < items.length; k++) items[k - 1] = items[k];
    items.pop();
    const r = b.req!;
    const bank = b.bank;
    const write = r.write;
    const dataEnd = now + (write ? T.cwl : T.cl) + T.burst;
    this.busFreePs = dataEnd;
    this.lastColPs = now;
    this.lastColBg = b.bg;
    this.colCmdFreePs = now + T.ck;
    if (!this.spec.dualCommandBus) this.rowCmdFreePs = this.colCmdFreePs;
    const st = this.stats;
    if (this.fresh[bank]) {
      this.fresh[bank] = 0;
      st.rowMisses++;
    } else st.rowHits++;
    (write ? this.writeHits : this.readHits)[bank]--;
    if (write) {
      this.lastWriteEndPs = dataEnd;
      this.lastWriteBg = b.bg;
      this.preOkPs[bank] = Math.max(this.preOkPs[bank], dataEnd + T.wr);
      st.writeBursts++;
    } else {
      this.lastReadColPs = now;
      this.preOkPs[bank] = Math.max(this.preOkPs[bank], now + T.rtp);
      st.readBursts++;
    }
    b.req = null;
    this.burstPool.push(b);
    if (r.startPs < 0) r.startPs = now;
    if (dataEnd > r.endPs) r.endPs = dataEnd;
    if (--r.left === 0) this.engine.at(r.endPs, this, DONE, r);
    this.queueChanged();
    if (this.admitHead < this.admitQ.length) this.admit(now);
  }

  /** DRAM energy of this channel over a run of makespanPs, pJ. */
  energyPj(makespanPs: number): number {
    return bankedEnergyPj(this.spec, this.stats, makespanPs);
  }
}
