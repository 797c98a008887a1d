/**
 * Presets of the banked DRAM model (package `"dram": {"model": "banked", "preset": ...}`): one
 * channel's organisation, timings and energies, each number with its source.
 *
 * Timings are in device clocks (nCK) as the standards give them, converted here with tCK.
 * Energies follow the Micron power-calculator method (Micron TN-40-07, "Calculating Memory
 * Power for DDR4 SDRAM"; the same IDD-based model as DRAMPower, Chandrasekar et al.), from the
 * device's IDD currents at VDD, per device, times the devices on the channel:
 *   activate+precharge  E_act = VDD * (IDD0 * tRC - IDD3N * tRAS - IDD2N * (tRC - tRAS))
 *   read burst          E_rd  = VDD * (IDD4R - IDD3N) * tBurst
 *   write burst         E_wr  = VDD * (IDD4W - IDD3N) * tBurst
 *   refresh             E_ref = VDD * (IDD5B - IDD3N) * tRFC
 *   background          P_bg  = VDD * IDD3N          (open-page policy: banks stay active)
 * (mA x V x ns = pJ). Not modelled: VPP pump current, I/O termination power, power-down modes.
 *
 * Cross-check: every DDR4-3200 and HBM2 number below equals the one in DRAMsim3's stock
 * configurations DDR4_8Gb_x8_3200.ini and HBM2_8Gb_x128.ini (umd-memsys/DRAMsim3, commit
 * 29817593), converted with tCK, except where a comment says otherwise.
 *
 * Controller defaults (every preset; the package may override them, models/README.md):
 * read and write queues of 32 bursts each (DRAMsim3's trans_queue_size = 32 and Ramulator 2's
 * GenericDRAMController request buffers of 32); writes drain from a full write queue until it is
 * empty (DRAMsim3 controller.cc: a drain starts when write_buffer_ is at capacity and issues every
 * write it held). Ramulator 2's wr_high_watermark 0.8 / wr_low_watermark 0.2 are the other common
 * choice: with them strict read/write alternation runs 20 % slower against DRAMsim3 (more drains,
 * each reopening rows), the other DRAM fidelity patterns move by under 5 %.
 */
import { BankedDramSpec } from './types';

export const CONTROLLER_DEFAULTS = { readQueueDepth: 32, writeQueueDepth: 32, writeHighWatermark: 1, writeLowWatermark: 0 } as const;

interface Idd {
  vdd: number;
  idd0: number;
  idd2n: number;
  idd3n: number;
  idd4r: number;
  idd4w: number;
  idd5b: number;
  devices: number;
  tRasNs: number;
}

function energies(i: Idd, tBurstNs: number, tRpNs: number, tRfcNs: number) {
  const tRcNs = i.tRasNs + tRpNs;
  const per = (x: number) => x * i.devices;
  return {
    activatePj: per(i.vdd * (i.idd0 * tRcNs - i.idd3n * i.tRasNs - i.idd2n * (tRcNs - i.tRasNs))),
    readBurstPj: per(i.vdd * (i.idd4r - i.idd3n) * tBurstNs),
    writeBurstPj: per(i.vdd * (i.idd4w - i.idd3n) * tBurstNs),
    refreshPj: per(i.vdd * (i.idd5b - i.idd3n) * tRfcNs),
    backgroundMw: per(i.vdd * i.idd3n),
  };
}

/** DDR4-3200AA (22-22-22), one x64 rank of eight x8 8 Gb devices. */
function ddr4(): BankedDramSpec {
  const tCK = 0.625; // ns, 1600 MHz clock (JESD79-4C, DDR4-3200 speed bin)
  const t = {
    burstBytes: 64, // 64-bit bus x BL8
    bankGroups: 4, banksPerGroup: 4, // x8 devices: 4 bank groups of 4 banks (JESD79-4C, 8 Gb addressing)
    rowBytes: 8 * 1024, // 1 KB page per x8 device (JESD79-4C addressing table) x 8 devices
    tBurstNs: 4 * tCK, // BL8 = 4 clocks
    tClNs: 22 * tCK, tRcdNs: 22 * tCK, tRpNs: 22 * tCK, // DDR4-3200AA: CL-nRCD-nRP 22-22-22 (JESD79-4C speed bins)
    tCwlNs: 16 * tCK, // CWL 16 for DDR4-3200 (JESD79-4C, CWL table, 1st set)
    tCcdSNs: 4 * tCK, // tCCD_S 4 nCK (JESD79-4C)
    tCcdLNs: 8 * tCK, // tCCD_L max(5 nCK, 5 ns) = 8 nCK at 3200 (JESD79-4C)
    tWtrSNs: 2.5, // tWTR_S max(2 nCK, 2.5 ns) (JESD79-4C)
    tWtrLNs: 7.5, // tWTR_L max(4 nCK, 7.5 ns) (JESD79-4C)
    tRtwNs: (22 + 4 + 2 - 16) * tCK, // read to write: RL + BL/2 + 2 - WL (JESD79-4C, 1 nCK write preamble)
    tRfcNs: 350, // tRFC1 for 8 Gb (JESD79-4C refresh table); DRAMsim3 560 nCK
    tRefiNs: 7800, // tREFI at <= 85 C (JESD79-4C); DRAMsim3 12480 nCK
    tCkNs: tCK,
    tRasNs: 52 * tCK, // tRAS 32 ns min rounded up to 52 nCK (JESD79-4C speed bins; DRAMsim3 52)
    tRrdSNs: 4 * tCK, // tRRD_S max(4 nCK, 2.5 ns), 1 KB page (JESD79-4C; DRAMsim3 4)
    tRrdLNs: 8 * tCK, // tRRD_L max(4 nCK, 4.9 ns) = 7.84 -> 8 nCK (JESD79-4C; DRAMsim3 8)
    tFawNs: 34 * tCK, // tFAW max(20 nCK, 21 ns) = 33.6 -> 34 nCK, 1 KB page (JESD79-4C; DRAMsim3 34)
    tWrNs: 15, // tWR 15 ns = 24 nCK (JESD79-4C; DRAMsim3 24)
    tRtpNs: 12 * tCK, // tRTP max(4 nCK, 7.5 ns) = 12 nCK (JESD79-4C; DRAMsim3 12)
    dualCommandBus: false, // one command/address bus (JESD79-4C)
  };
  // Micron 8 Gb DDR4 x8 (MT40A1G8), -062E (3200) IDD table, as tabulated in DRAMsim3's
  // DDR4_8Gb_x8_3200 configuration (Li et al., IEEE CAL 2020); tRAS 52 nCK = 32.5 ns (JESD79-4C).
  const e = energies({ vdd: 1.2, idd0: 57, idd2n: 37, idd3n: 52, idd4r: 168, idd4w: 150, idd5b: 250, devices: 8, tRasNs: 52 * tCK }, t.tBurstNs, t.tRpNs, t.tRfcNs);
  return { preset: 'DDR4-3200', ...t, ...CONTROLLER_DEFAULTS, ...e };
}

/** HBM2, one 128-bit legacy-mode channel at 2 Gb/s per pin, 8 Gb per channel. */
function hbm2(): BankedDramSpec {
  const tCK = 1; // ns, 1 GHz clock, 2 Gb/s per pin (JESD235A)
  const t = {
    burstBytes: 64, // 128-bit channel x BL4
    bankGroups: 4, banksPerGroup: 4, // 16 banks in 4 bank groups (JESD235A, 8 Gb channel)
    // 2 KB page per legacy-mode channel (JESD235A; 1 KB only in pseudo-channel mode). DRAMsim3's
    // HBM2_8Gb_x128 lists columns = 64 and doubles HBM columns for the 2n prefetch: 128 x 128 bits.
    rowBytes: 2048,
    tBurstNs: 2 * tCK, // BL4 at double data rate = 2 clocks
    // Timings as tabulated in DRAMsim3's HBM2_8Gb_x128 configuration (after JESD235A):
    tClNs: 14 * tCK, tRcdNs: 14 * tCK, tRpNs: 14 * tCK, tCwlNs: 4 * tCK,
    tCcdSNs: 1 * tCK, tCcdLNs: 2 * tCK, tWtrSNs: 6 * tCK, tWtrLNs: 8 * tCK,
    tRtwNs: (14 + 2 + 2 - 4) * tCK, // RL + BL/2 + 2 - WL, as for DDR4
    tRfcNs: 260, tRefiNs: 3900,
    tCkNs: tCK,
    tRasNs: 34 * tCK, tRrdSNs: 4 * tCK, tRrdLNs: 6 * tCK, tFawNs: 30 * tCK, tWrNs: 16 * tCK,
    // tRTP_L 6 nCK as DRAMsim3's file lists it (a read and the PRE of its bank share a bank
    // group); DRAMsim3 itself reads no tRTP_L key and runs with its default tRTP of 5 nCK.
    tRtpNs: 6 * tCK,
    dualCommandBus: true, // separate row and column command pins (JESD235A; DRAMsim3 hbm_dual_cmd)
  };
  // IDD values of the same DRAMsim3 HBM2_8Gb_x128 configuration (one 128-bit channel = one
  // "device"); tRAS 34 nCK.
  const e = energies({ vdd: 1.2, idd0: 65, idd2n: 40, idd3n: 55, idd4r: 390, idd4w: 500, idd5b: 250, devices: 1, tRasNs: 34 * tCK }, t.tBurstNs, t.tRpNs, t.tRfcNs);
  return { preset: 'HBM2', ...t, ...CONTROLLER_DEFAULTS, ...e };
}

/**
 * LPDDR5-6400, one x16 channel in bank-group mode (4 bank groups x 4 banks), BL16. Energies:
 * we have no public IDD table we can cite for LPDDR5, so burst energy comes from the package's
 * `energyPjPerBit` (set by the loader) and activate, refresh and background energies are 0.
 */
function lpddr5(): BankedDramSpec {
  const tCK = 1.25; // ns, 800 MHz CK, 4:1 WCK, 6400 MT/s (JESD209-5B)
  const t = {
    burstBytes: 32, // 16-bit channel x BL16
    bankGroups: 4, banksPerGroup: 4, // BG mode (JESD209-5B)
    rowBytes: 2048, // 2 KB page for a x16 channel (JESD209-5B)
    tBurstNs: 2 * tCK, // 16 beats at 6400 MT/s = 2.5 ns
    tClNs: 20 * tCK, // RL 20 nCK (Ramulator 2's LPDDR5_6400 preset; JESD209-5B RL table)
    tCwlNs: 11 * tCK, // WL 11 nCK (same sources)
    tRcdNs: 18, // tRCD max(18 ns, 2 nCK) (JESD209-5B)
    tRpNs: 18, // tRPpb max(18 ns, 2 nCK) (JESD209-5B)
    tCcdSNs: 2 * tCK, // BL16 back to back, different bank group (JESD209-5B, BG mode)
    tCcdLNs: 4 * tCK, // same bank group (JESD209-5B, BG mode)
    tWtrSNs: 6.25, // tWTR_S max(6.25 ns, 4 nCK) (JESD209-5B)
    tWtrLNs: 12, // tWTR_L max(12 ns, 4 nCK) (JESD209-5B)
    tRtwNs: (20 + 2 + 2 - 11) * tCK, // RL + BL/n + 2 - WL
    tRfcNs: 210, // tRFCab for 8 Gb (JESD209-5B)
    tRefiNs: 3906, // tREFI (JESD209-5B, 8K refreshes in 32 ms)
    tCkNs: tCK,
    // Ramulator 2's LPDDR5_6400 preset (tCK 1.25 ns): nRAS 34, nRRD 4, nFAW 16, nWR 28, nRTP 4.
    tRasNs: 34 * tCK, tRrdSNs: 4 * tCK, tRrdLNs: 4 * tCK, tFawNs: 16 * tCK, tWrNs: 28 * tCK, tRtpNs: 4 * tCK,
    dualCommandBus: false,
  };
  return { preset: 'LPDDR5-6400', ...t, ...CONTROLLER_DEFAULTS, activatePj: 0, readBurstPj: NaN, writeBurstPj: NaN, refreshPj: 0, backgroundMw: 0 };
}

/** Preset name -> spec. NaN burst energies are filled from the package's pJ/bit by the loader. */
export const DRAM_PRESETS: Readonly<Record<string, () => BankedDramSpec>> = {
  'DDR4-3200': ddr4,
  'LPDDR5-6400': lpddr5,
  HBM2: hbm2,
};

/** Peak bandwidth of a preset channel, GB/s (bytes per ns). */
export function peakBandwidthGBps(s: BankedDramSpec): number {
  return s.burstBytes / s.tBurstNs;
}
