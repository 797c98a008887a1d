/** Hand-made command results for the HTML report tests. */
import { PackageComparison } from '../../sim/report/packages';
import { ScarReport } from '../../sim/report/reproduce';

const fig = (latencyPs: number, energyPj: number) => ({ latencyPs, energyPj, edpJs: latencyPs * energyPj * 1e-24 });
export function comparison(): PackageComparison {
  const res = (pkg: string, het: boolean, l: number, e: number) => ({ package: pkg, heterogeneous: het, closedForm: fig(l * 1.1, e), analytical: fig(l, e), simulated: fig(l, e), jobs: 3, scheduleMs: 0, simulateMs: 0 });
  return {
    strategy: 'scar', seed: '1', averages: [],
    scenarios: [
      { scenario: 's1', kind: 'datacenter', results: [res('het', true, 2e9, 1e9), res('ws', false, 4e9, 1e9), res('os', false, 1e9, 3e9)], bestHeterogeneous: 'het', bestHomogeneous: 'os', edpReductionAnalytical: 0, edpReductionSimulated: 0, edpReductionClosedForm: 0, edpReductionVs: {} },
      { scenario: 's2', kind: 'arvr', results: [res('het', true, 1e9, 1e9), res('ws', false, 1e9, 2e9), res('os', false, 3e9, 1e9)], bestHeterogeneous: 'het', bestHomogeneous: 'ws', edpReductionAnalytical: 0, edpReductionSimulated: 0, edpReductionClosedForm: 0, edpReductionVs: {} },
    ],
  };
}

export function scarReport(grid: '3x3' | '6x6'): ScarReport {
  const f = (edpJs: number) => ({ latencyS: 0.01, energyJ: 0.02, edpJs, simulatedLatencyS: 0.011, simulatedEdpJs: edpJs * 1.1 });
  return {
    mapping: 'templates', grid, objective: 'edp', seed: '1', sides: 'nvd', slo: false, slos: [], cpuSeconds: 0,
    scenarios: [{ id: 1, name: 'one', kind: 'datacenter', strategies: { simba_nvd: f(4), het_sides: f(3) } }],
    averages: { datacenter: { vsSimbaNvd: 0.25, vsSimbaShi: 0.15, mean: 0.2 } },
    simulatedAverages: { datacenter: { vsSimbaNvd: 0.2, vsSimbaShi: 0.1, mean: 0.15 } },
    ...(grid === '6x6' ? { edpOverHetCross: { simbaNvd: 1.5, simbaShi: 2, simulatedSimbaNvd: 1.4, simulatedSimbaShi: 1.9 } } : {}),
  };
}

