/**
 * A chiplet: its PE array runs the tiles of one job at a time, in the schedule's order, with a
 * double-buffered global buffer (two tile slots):
 *   load t    when load t-1 is done and a slot is free (tile t-2 computed and stored)
 *   compute t when load t and compute t-1 are done; cyclesPerTile clock cycles
 *   store t   when compute t is done, if the job's outputs go to DRAM; frees the slot
 * Loads fetch weights and inputs from their sources in parallel over the Fabric (the transfers
 * of estimate.ts forEachTileTransfer). These are the
 * same rules as the analytical model (sim/cost/estimate.ts); here transfers can contend.
 */
import { Engine, EventTarget } from '../engine/engine';
import { Fabric, TransferDone } from './fabric';
import { Job } from '../cost/program';
import { bufferLayout, tileLoad, TileLoad } from '../cost/plan';
import { forEachTileTransfer, newTransferScratch, psPerCycle } from '../cost/estimate';
import { TraceSink } from '../trace/sink';

/** Told when a chiplet finishes a job. */
export interface JobHost {
  jobEnded(job: Job, startPs: number, endPs: number): void;
}

const COMPUTE_DONE = 1;
const LOAD_DONE = 2;
/** Transfer tokens: loads are LOAD_TOKEN, stores carry their tile index. */
const LOAD_TOKEN = -1;

export class ChipletSim implements EventTarget, TransferDone {
  private job: Job | null = null;
  private jobStartPs = 0;
  private cyclePs = 0;
  private nextLoad = 0; // next tile to load
  private loadBusy = false;
  private loadPending = 0; // transfers of the current load still in flight
  private loadStartPs = 0;
  private loadBytes = 0;
  private loaded = 0; // tiles whose load is done
  private computing = false;
  private computeStartPs = 0;
  private computed = 0;
  private slotsUsed = 0;
  private storesPending = 0;
  private readonly storeStartPs: number[] = [];
  private readonly tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  private readonly scratch = newTransferScratch();
  /** Busy time of the PE array, ps (for utilisation). */
  busyPs = 0;
  /** When the current (or last) job's last compute ended, ps: the job's store tail follows. */
  lastComputeEndPs = 0;
  /** Bytes in the two tile slots (tracked only with an invariant checker). */
  private slotBytes = 0;

  constructor(
    readonly index: number,
    private readonly engine: Engine,
    private readonly fabric: Fabric,
    private readonly host: JobHost,
    private readonly sink: TraceSink | null,
  ) {}

  get idle(): boolean {
    return this.job === null;
  }

  start(job: Job): void {
    this.job = job;
    this.jobStartPs = this.engine.nowPs;
    this.cyclePs = job.plan.cyclesPerTile * psPerCycle(job.plan.kind.clockMHz);
    this.nextLoad = 0;
    this.loaded = 0;
    this.computed = 0;
    this.slotsUsed = 0;
    this.storesPending = 0;
    this.tryLoad();
  }

  private tryLoad(): void {
    const job = this.job!;
    if (this.loadBusy || this.nextLoad >= job.plan.tiles || this.slotsUsed >= 2) return;
    const t = this.nextLoad++;
    this.slotsUsed++;
    this.loadBusy = true;
    this.loadStartPs = this.engine.nowPs;
    tileLoad(job.plan, t, this.tl);
    // Bytes that actually cross the fabric (sendOne adds them): sources on this chiplet and
    // operands already resident move nothing, so a load with no transfer reports 0 bytes.
    this.loadBytes = 0;
    this.loadPending = 1; // guard so transfers finishing synchronously cannot complete the load early
    if (this.engine.check.on) this.checkSlots(this.tl.weightBytes + this.tl.inputBytes + this.tl.outputBytes);
    forEachTileTransfer(job, this.tl, this.scratch, this.sendOne);
    if (--this.loadPending === 0) this.engine.at(this.engine.nowPs, this, LOAD_DONE);
  }

  private readonly sendOne = (path: readonly number[], bytes: number): void => {
    this.loadPending++;
    this.loadBytes += bytes;
    this.fabric.send(path, bytes, this, LOAD_TOKEN, this.job!.index);
  };

  onTransferDone(token: number, now: number): void {
    if (token === LOAD_TOKEN) {
      if (this.engine.check.on) this.engine.check.queue(`${this.name} load transfers`, this.loadPending - 1, now);
      if (--this.loadPending === 0) this.loadDone(now);
    } else {
      this.storeDone(token, now);
    }
  }

  onEvent(kind: number, _arg: unknown, now: number): void {
    if (kind === LOAD_DONE) this.loadDone(now);
    else this.computeDone(now);
  }

  private loadDone(now: number): void {
    const job = this.job!;
    if (this.sink) this.sink.tile('load', job.index, this.loaded, this.loadStartPs, now, this.loadBytes);
    this.loaded++;
    this.loadBusy = false;
    this.tryCompute();
    this.tryLoad();
  }

  private tryCompute(): void {
    if (this.computing || this.computed >= this.loaded) return;
    this.computing = true;
    this.computeStartPs = this.engine.nowPs;
    this.engine.at(this.engine.nowPs + this.cyclePs, this, COMPUTE_DONE);
  }

  private computeDone(now: number): void {
    const job = this.job!;
    const t = this.computed++;
    this.computing = false;
    this.busyPs += this.cyclePs;
    this.lastComputeEndPs = now;
    if (this.sink) this.sink.tile('compute', job.index, t, this.computeStartPs, now, 0);
    if (job.storePath) {
      const out = tileLoad(job.plan, t, this.tl).outputBytes;
      if (out > 0) {
        this.storesPending++;
        this.storeStartPs[t & 1] = now;
        this.fabric.send(job.storePath, out, this, t, job.index, true);
      } else {
        this.freeSlot(t);
      }
    } else {
      this.freeSlot(t);
    }
    this.tryCompute();
    this.tryLoad();
    this.maybeEnd(now);
  }

  private storeDone(t: number, now: number): void {
    const job = this.job!;
    if (this.sink) this.sink.tile('store', job.index, t, this.storeStartPs[t & 1], now, tileLoad(job.plan, t, this.tl).outputBytes);
    this.storesPending--;
    this.freeSlot(t);
    this.tryLoad();
    this.maybeEnd(now);
  }

  /** Tile t's slot is free again (computed, and stored when it stores). */
  private freeSlot(t: number): void {
    this.slotsUsed--;
    if (this.engine.check.on) {
      const tl = tileLoad(this.job!.plan, t, this.tl);
      this.checkSlots(-(tl.weightBytes + tl.inputBytes + tl.outputBytes));
      this.engine.check.queue(`${this.name} stores`, this.storesPending, this.engine.nowPs);
    }
  }

  /**
   * Invariants of the double buffer: 0..2 slots in use, and the tiles in them (their loaded
   * operands and their output) within the two tile slots of the buffer (sim/cost/buffer.ts).
   */
  private checkSlots(deltaBytes: number): void {
    const check = this.engine.check;
    const now = this.engine.nowPs;
    this.slotBytes += deltaBytes;
    check.queue(`${this.name} tile slots`, this.slotsUsed, now, 2);
    check.occupancy(`${this.name} buffer tile slots`, this.slotBytes, 2 * bufferLayout(this.job!.plan.kind).tileSlotBytes, now);
  }

  private get name(): string {
    return `chiplet ${this.index} (job ${this.job?.index ?? '-'})`;
  }

  private maybeEnd(now: number): void {
    const job = this.job!;
    if (this.computed < job.plan.tiles || this.storesPending > 0) return;
    if (this.engine.check.on) this.engine.check.occupancy(`${this.name} buffer tile slots at its end`, this.slotBytes, 0, now);
    this.job = null;
    if (this.sink) this.sink.job(job.index, this.jobStartPs, now);
    this.host.jobEnded(job, this.jobStartPs, now);
  }
}
