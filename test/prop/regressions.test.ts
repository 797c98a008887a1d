/**
 * Counterexamples the property-based tests (test/prop/properties.test.ts, scripts/robust.ts)
 * found, shrunk by fast-check, kept as regular tests with the fix they led to.
 */
import { lowerSchedule } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';
import { simulate } from '../../sim/hw/replay';
import { testPackage, testScenario, testSchedule, testWorkload } from '../helpers';

describe('shrunk counterexamples', () => {
  test('a schedule whose windows start at 1 (window 0 empty) simulates instead of stalling', async () => {
    // Found on a 1x1 package, two one-layer models, a random schedule that put both in window 1:
    // the replay waited for window 0 to finish ("simulation stalled: 2 job(s) never ran").
    // Fix (sim/hw/replay.ts): windows no job uses are open from the start.
    const pkg = testPackage();
    const a = testWorkload('a', [{ name: 'l0', op: 'fc', inFeatures: 4, outFeatures: 4 }]);
    const b = testWorkload('b', [{ name: 'l0', op: 'conv2d', inChannels: 1, inHeight: 3, inWidth: 3, outChannels: 4, kernel: 3, pad: 1 }]);
    const scenario = testScenario([{ workload: a, batch: 1 }, { workload: b, batch: 1 }]);
    const at = (w0: number, w1: number) => lowerSchedule(testSchedule([{ layer: 'a/l0', chiplet: 'c0_0', window: w0 }, { layer: 'b/l0', chiplet: 'c0_0', window: w1 }]), scenario, pkg);
    const gap = await simulate(at(1, 3), { check: true });
    const dense = await simulate(at(0, 1), { check: true });
    expect(gap.jobs).toEqual(dense.jobs);
    expect(gap.makespanPs).toBe(estimateProgram(at(1, 3)).makespanPs);
    expect(gap.jobs[1].startPs).toBeGreaterThanOrEqual(gap.jobs[0].endPs);
  });
});

describe('fuzzing finds', () => {
  test('a 100000-character workload path is one readable error line, not 100 KB', async () => {
    const fs = await import('fs');
    const os = await import('os');
    const path = await import('path');
    const { loadScenario } = await import('../../sim/input/scenario');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-reg-'));
    const f = path.join(dir, 's.json');
    fs.writeFileSync(f, JSON.stringify({ schema: 'mcmsim/scenario@1', name: 's', models: [{ workload: 'x'.repeat(100000), batch: 1 }] }));
    let msg = '';
    try {
      loadScenario(f);
    } catch (e) {
      msg = (e as Error).message;
    }
    // Either the scenario's field or the unreadable path, shortened.
    expect(msg).toMatch(/s\.json: models\[0\]\.workload: |xxxxxxxxxx\.\.\. \(\d+ characters\): \(top level\): cannot read/);
    expect(msg.length).toBeLessThan(1200);
    expect(msg).not.toContain('\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
