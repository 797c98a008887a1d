/**
 * The "banked-packet" DRAM model (the faster, coarser alternative to the "banked" controller of
 * sim/hw/dram-controller.ts): each channel is a memory controller in front of bank groups of
 * banks with one open row each (open-page policy), scheduling whole packets FR-FCFS: among the
 * first QUEUE_WINDOW waiting packets, the oldest whose first burst hits an open row, else the
 * oldest. A packet is cut into bursts (BankedDramSpec.burstBytes) and each burst is timed by
 * the rules below; the controller takes the next packet tRP + tRCD before it issues the last
 * column command of the current one, so a stream of row hits keeps the data bus busy back to
 * back and a row miss in another bank opens its row while the current packet still transfers.
 *
 * Address mapping (low to high bits): burst-in-row column bits are split so that consecutive
 * bursts rotate over the bank groups (tCCD_S apart instead of tCCD_L), then the column in the
 * row, then the bank, then the row:
 *   n = address / burstBytes; bankGroup = n mod BG; column = (n / BG) mod (rowBytes / burstBytes)
 *   bank = (n / (BG * columns)) mod banksPerGroup; row = n / (BG * columns * banksPerGroup)
 * Every transfer gets its own address range (a bump allocator per channel, aligned to a row
 * stripe), so transfers that interleave on a channel compete for rows.
 *
 * Per burst, with t0 the time the packet was taken:
 *   row miss:  PRE at max(t0, bank free) when another row is open, ACT tRP later (or at once
 *              when the bank is closed), column ready tRCD after the ACT
 *   column:    >= column ready, >= last column + tCCD_S (other bank group) or tCCD_L (same),
 *              read after write: >= end of write data + tWTR_S / tWTR_L,
 *              write after read: >= last read command + tRTW
 *   data:      read tCL, write tCWL after the column command, then tBurst on the data bus
 *              (never overlapping the previous burst's data)
 *   refresh:   every tREFI all banks are precharged (tRP if any is open) and the channel
 *              stalls for tRFC (checked when a packet is taken; JEDEC allows postponing)
 * Not modelled: tRAS, tRC, tRRD, tFAW, tRTP, tWR, power-down, per-bank refresh.
 *
 * Energy (replaces the channel's pJ/bit DRAM energy in the simulated result): activates x
 * E_act + read bursts x E_rd + write bursts x E_wr + refreshes (one per tREFI of the run) x
 * E_ref + background power x makespan, per channel (sim/input/dram-presets.ts for sources).
 */
import { Engine, EventTarget } from '../engine/engine';
import { ChannelServer, Fabric, Packet, packetAddress, packetWrite } from './fabric';
import { BankedDramSpec } from '../input/types';

/** How far down its queue the controller looks for a row hit (a typical request-queue depth). */
export const QUEUE_WINDOW = 16;

const PICK = 1;
const DONE = 2;

const ps = (ns: number) => Math.round(ns * 1000);

/**
 * A packet in the controller, from enqueue until its last byte has left (DONE). Records are
 * pooled and the queue is a ring of them, so the per-packet path allocates nothing.
 */
interface Request {
  p: Packet | null;
  arrivePs: number;
  addr: number;
  write: boolean;
  startPs: number;
  endPs: number;
  busyPs: number;
}

/** Timing parameters in integer picoseconds. */
interface Timing {
  burst: number; rcd: number; rp: number; cl: number; cwl: number; ccdS: number; ccdL: number;
  wtrS: number; wtrL: number; rtw: number; rfc: number; refi: number;
}

export interface BankedStats {
  rowHits: number;
  rowMisses: number;
  activates: number;
  readBursts: number;
  writeBursts: number;
  refreshStalls: number;
}

/** One channel's controller and banks. */
export class BankedChannel implements ChannelServer, EventTarget {
  private readonly t: Timing;
  private readonly nBanks: number;
  private readonly columns: number;
  private readonly openRow: Float64Array;
  private readonly colReadyPs: Float64Array;
  private readonly bankFreePs: Float64Array;
  /** Waiting requests in arrival order: ring[(head + i) & mask] is the i-th oldest. */
  private ring: (Request | null)[] = new Array<Request | null>(64).fill(null);
  private head = 0;
  private queued = 0;
  private readonly pool: Request[] = [];
  private pickPending = false;
  /** Earliest time the controller can take the next packet (last column command issued). */
  private ctrlFreePs = 0;
  private lastColPs = -Infinity;
  private lastBg = -1;
  private lastReadColPs = -Infinity;
  private lastWriteEndPs = -Infinity;
  private lastWriteBg = -1;
  private lastWasWrite = false;
  private busFreePs = 0;
  private nextRefreshPs: number;
  private nextAddr = 0;
  readonly stats: BankedStats = { rowHits: 0, rowMisses: 0, activates: 0, readBursts: 0, writeBursts: 0, refreshStalls: 0 };

  constructor(
    readonly spec: BankedDramSpec,
    private readonly engine: Engine,
    private readonly fabric: Pick<Fabric, 'served' | 'accepted'>,
    readonly resource: number,
  ) {
    const s = spec;
    this.t = {
      burst: ps(s.tBurstNs), rcd: ps(s.tRcdNs), rp: ps(s.tRpNs), cl: ps(s.tClNs), cwl: ps(s.tCwlNs), ccdS: ps(s.tCcdSNs), ccdL: ps(s.tCcdLNs),
      wtrS: ps(s.tWtrSNs), wtrL: ps(s.tWtrLNs), rtw: ps(s.tRtwNs), rfc: ps(s.tRfcNs), refi: ps(s.tRefiNs),
    };
    this.nBanks = s.bankGroups * s.banksPerGroup;
    this.columns = Math.max(1, Math.floor(s.rowBytes / s.burstBytes));
    this.openRow = new Float64Array(this.nBanks).fill(-1);
    this.colReadyPs = new Float64Array(this.nBanks);
    this.bankFreePs = new Float64Array(this.nBanks);
    this.nextRefreshPs = this.t.refi;
  }

  /** Address range of a new transfer: starts on a fresh row stripe (all bank groups). */
  private readonly alloc = (bytes: number): number => {
    const stripe = this.spec.bankGroups * this.spec.rowBytes;
    const base = this.nextAddr;
    this.nextAddr += Math.ceil(Math.max(1, bytes) / stripe) * stripe;
    return base;
  };

  // Result of locate() (fields, not an object per burst: this runs once per burst).
  private locBg = 0;
  private locBank = 0;
  private locRow = 0;

  /** Bank group, bank index (bank group major) and row of the burst at `addr`. */
  private locate(addr: number): void {
    const s = this.spec;
    const n = Math.floor(addr / s.burstBytes);
    const bg = n % s.bankGroups;
    const rest = Math.floor(n / (s.bankGroups * this.columns));
    this.locBg = bg;
    this.locBank = bg * s.banksPerGroup + (rest % s.banksPerGroup);
    this.locRow = Math.floor(rest / s.banksPerGroup);
  }

  enqueue(p: Packet, nowPs: number): void {
    const w = this.pool.pop() ?? { p: null, arrivePs: 0, addr: 0, write: false, startPs: 0, endPs: 0, busyPs: 0 };
    w.p = p;
    w.arrivePs = nowPs;
    w.addr = packetAddress(p, this.alloc);
    w.write = packetWrite(p);
    if (this.queued === this.ring.length) this.growRing();
    this.ring[(this.head + this.queued) & (this.ring.length - 1)] = w;
    this.queued++;
    this.schedulePick(nowPs);
  }

  /** Doubles the ring (a power of two), oldest first at 0. */
  private growRing(): void {
    const n = this.ring.length;
    const ring = new Array<Request | null>(2 * n).fill(null);
    for (let i = 0; i < n; i++) ring[i] = this.ring[(this.head + i) & (n - 1)];
    this.ring = ring;
    this.head = 0;
  }

  /** The i-th oldest waiting request (i < queued). */
  private waiting(i: number): Request {
    return this.ring[(this.head + i) & (this.ring.length - 1)]!;
  }

  /** Removes and returns the i-th oldest waiting request; the others keep their order. */
  private take(i: number): Request {
    const mask = this.ring.length - 1;
    const w = this.ring[(this.head + i) & mask]!;
    // Shift the i older ones up by one (i < QUEUE_WINDOW), then drop the head slot.
    for (let k = i; k > 0; k--) this.ring[(this.head + k) & mask] = this.ring[(this.head + k - 1) & mask];
    this.ring[this.head] = null;
    this.head = (this.head + 1) & mask;
    this.queued--;
    if (this.engine.check.on) this.engine.check.queue(`DRAM channel (resource ${this.resource}) request queue`, this.queued, this.engine.nowPs);
    return w;
  }

  private schedulePick(nowPs: number): void {
    if (this.pickPending || this.queued === 0) return;
    this.pickPending = true;
    this.engine.at(Math.max(nowPs, this.ctrlFreePs), this, PICK, null);
  }

  onEvent(kind: number, arg: unknown, now: number): void {
    if (kind === PICK) {
      this.pickPending = false;
      this.serveNext(now);
      this.schedulePick(now);
    } else {
      const w = arg as Request;
      this.fabric.served(w.p!, this.resource, w.arrivePs, w.startPs, w.endPs, w.busyPs);
      w.p = null;
      this.pool.push(w);
    }
  }

  /** FR-FCFS: the oldest waiting packet whose first burst hits an open row, else the oldest. */
  private choose(): number {
    const n = Math.min(this.queued, QUEUE_WINDOW);
    for (let i = 0; i < n; i++) {
      this.locate(this.waiting(i).addr);
      if (this.openRow[this.locBank] === this.locRow) return i;
    }
    return 0;
  }

  private refreshUntil(t: number): number {
    // Refreshes due by t: precharge all (tRP if a row is open), then tRFC with the channel stalled.
    while (this.nextRefreshPs <= t) {
      let start = Math.max(this.nextRefreshPs, this.busFreePs, this.lastColPs);
      let open = false;
      for (let b = 0; b < this.nBanks; b++) open ||= this.openRow[b] >= 0;
      if (open) start += this.t.rp;
      const end = start + this.t.rfc;
      this.openRow.fill(-1);
      for (let b = 0; b < this.nBanks; b++) this.bankFreePs[b] = Math.max(this.bankFreePs[b], end);
      if (end > t) {
        this.stats.refreshStalls++;
        t = end;
      }
      this.nextRefreshPs += this.t.refi;
    }
    return t;
  }

  private serveNext(now: number): void {
    const w = this.take(this.choose());
    const t0 = this.refreshUntil(now);
    const s = this.spec;
    const T = this.t;
    const write = w.write;
    const lat = write ? T.cwl : T.cl;
    const bursts = Math.max(1, Math.ceil(w.p!.bytes / s.burstBytes));
    // The burst address n = addr / burstBytes + k split as in locate(), stepped per burst
    // instead of divided (addresses are whole bytes: row-stripe bases plus packet offsets).
    const BG = s.bankGroups;
    const BPG = s.banksPerGroup;
    const cols = this.columns;
    const n0 = Math.floor(w.addr / s.burstBytes);
    let bg = n0 % BG;
    let col = Math.floor(n0 / BG) % cols;
    const rest = Math.floor(n0 / (BG * cols));
    let bankInGroup = rest % BPG;
    let row = Math.floor(rest / BPG);
    // Channel state in locals for the loop, written back after it.
    let lastColPs = this.lastColPs;
    let lastBg = this.lastBg;
    let busFreePs = this.busFreePs;
    let lastWasWrite = this.lastWasWrite;
    let misses = 0;
    let dataEnd = 0;
    for (let k = 0; k < bursts; k++) {
      const bank = bg * BPG + bankInGroup;
      if (this.openRow[bank] !== row) {
        let act = Math.max(t0, this.bankFreePs[bank]);
        if (this.openRow[bank] >= 0) act += T.rp;
        this.openRow[bank] = row;
        this.colReadyPs[bank] = act + T.rcd;
        misses++;
      }
      let c = Math.max(t0, this.colReadyPs[bank], lastColPs + (bg === lastBg ? T.ccdL : T.ccdS));
      if (write && !lastWasWrite) c = Math.max(c, this.lastReadColPs + T.rtw);
      if (!write && lastWasWrite) c = Math.max(c, this.lastWriteEndPs + (bg === this.lastWriteBg ? T.wtrL : T.wtrS));
      const dataStart = Math.max(c + lat, busFreePs);
      c = dataStart - lat;
      dataEnd = dataStart + T.burst;
      busFreePs = dataEnd;
      lastColPs = c;
      lastBg = bg;
      if (c > this.bankFreePs[bank]) this.bankFreePs[bank] = c;
      if (write) {
        this.lastWriteEndPs = dataEnd;
        this.lastWriteBg = bg;
      } else {
        this.lastReadColPs = c;
      }
      lastWasWrite = write;
      if (++bg === BG) {
        bg = 0;
        if (++col === cols) {
          col = 0;
          if (++bankInGroup === BPG) {
            bankInGroup = 0;
            row++;
          }
        }
      }
    }
    this.lastColPs = lastColPs;
    this.lastBg = lastBg;
    this.busFreePs = busFreePs;
    this.lastWasWrite = lastWasWrite;
    const st = this.stats;
    st.activates += misses;
    st.rowMisses += misses;
    st.rowHits += bursts - misses;
    if (write) st.writeBursts += bursts;
    else st.readBursts += bursts;
    // Command lookahead: the next packet may be taken tRP + tRCD before this one's last column
    // command, so its precharge and activate (on another bank) overlap this packet's columns.
    this.ctrlFreePs = Math.max(t0, this.lastColPs - T.rp - T.rcd);
    this.fabric.accepted(w.p!, now);
    w.startPs = t0;
    w.endPs = dataEnd;
    w.busyPs = bursts * T.burst;
    this.engine.at(dataEnd, this, DONE, w);
  }

  /** DRAM energy of this channel over a run of makespanPs, pJ. */
  energyPj(makespanPs: number): number {
    return bankedEnergyPj(this.spec, this.stats, makespanPs);
  }
}

/**
 * DRAM energy of one banked channel over a run of makespanPs, pJ: commands by their energies,
 * one refresh per tREFI of the run, background power over the run.
 */
export function bankedEnergyPj(s: BankedDramSpec, st: BankedStats, makespanPs: number): number {
  const refreshes = Math.floor(makespanPs / ps(s.tRefiNs));
  return st.activates * s.activatePj + st.readBursts * s.readBurstPj + st.writeBursts * s.writeBurstPj + refreshes * s.refreshPj + (s.backgroundMw * makespanPs) / 1000;
}
