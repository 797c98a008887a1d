import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { applyOverrides, loadPackageWith } from '../../sim/input/overrides';
import { loadSweep } from '../../sim/input/sweep';
import { inputErrorOf, testPackage } from '../helpers';

const ROOT = path.resolve(__dirname, '../..');
const err = inputErrorOf;

describe('package kinds: mapping and MAESTRO constants', () => {
  test('default: the mapper, MAESTRO constants from the kind and the DRAM', () => {
    // 8 x 8 PEs; 64 GB/s at 500 MHz, 1-byte elements = 128 elements per cycle.
    const k = testPackage().kinds[0];
    expect(k.mapping).toBe('search');
    expect(k.maestro).toEqual({ nocBandwidthElemsPerCycle: 64, offchipBandwidthElemsPerCycle: 128, nocHopLatencyCycles: 1 });
    // 2-byte elements and 10 GB/s: 10 * 1000 / 500 / 2 = 10 elements per cycle.
    const p = testPackage({ dram: { channelBandwidthGBps: 10 } });
    expect(p.kinds[0].maestro.offchipBandwidthElemsPerCycle).toBe(20);
  });

  test('a template of the kind\'s own dataflow, and given constants, are kept', () => {
    const p = testPackage({
      grid: [['ws', 'os', 'rs']],
      kinds: { ws: { mapping: 'maestro:nvdla', maestro: { nocBandwidthElemsPerCycle: 32, nocHopLatencyCycles: 0 } }, os: { mapping: 'maestro:shidiannao' }, rs: { mapping: 'maestro:eyeriss' } } as never,
    });
    expect(p.kinds.map((k) => k.mapping)).toEqual(['maestro:nvdla', 'maestro:shidiannao', 'maestro:eyeriss']);
    expect(p.kinds[0].maestro).toEqual({ nocBandwidthElemsPerCycle: 32, offchipBandwidthElemsPerCycle: 128, nocHopLatencyCycles: 0 });
  });

  test('bad values: one line naming the file and the field', () => {
    expect(err(() => testPackage({ kinds: { ws: { mapping: 'maestro:tpu' } } as never })).message).toBe(
      'test-package.json: kinds.ws.mapping: expected one of search, maestro:nvdla, maestro:shidiannao, maestro:eyeriss, got "maestro:tpu"',
    );
    expect(err(() => testPackage({ kinds: { ws: { mapping: 'maestro:shidiannao' } } as never })).message).toBe(
      'test-package.json: kinds.ws.mapping: "maestro:shidiannao" is a template of dataflow "os", but kind "ws" has dataflow "ws"',
    );
    expect(err(() => testPackage({ kinds: { ws: { maestro: { nocBandwidth: 8 } } } as never })).message).toMatch(/^test-package\.json: kinds\.ws\.maestro\.nocBandwidth: unknown field/);
    expect(err(() => testPackage({ kinds: { ws: { maestro: { nocBandwidthElemsPerCycle: 0.5 } } } as never })).message).toBe(
      'test-package.json: kinds.ws.maestro.nocBandwidthElemsPerCycle: expected an integer, got 0.5',
    );
  });
});

describe('mapping override (sweeps, compare --mapping, reproduce --mapping)', () => {
  const fail = (k: string, d: string): never => {
    throw new Error(`${k}: ${d}`);
  };
  const json = { kinds: { a: { dataflow: 'ws' }, b: { dataflow: 'os' }, c: { dataflow: 'rs', mapping: 'maestro:eyeriss' } } };

  test('templates: each kind its dataflow\'s template; search: the mapper everywhere', () => {
    expect(applyOverrides(json, { mapping: 'templates' }, fail)).toEqual({ kinds: { a: { dataflow: 'ws', mapping: 'maestro:nvdla' }, b: { dataflow: 'os', mapping: 'maestro:shidiannao' }, c: { dataflow: 'rs', mapping: 'maestro:eyeriss' } } });
    expect(applyOverrides(json, { mapping: 'search' }, fail)).toEqual({ kinds: { a: { dataflow: 'ws', mapping: 'search' }, b: { dataflow: 'os', mapping: 'search' }, c: { dataflow: 'rs', mapping: 'search' } } });
    expect(() => applyOverrides(json, { mapping: 'maestro' as never }, fail)).toThrow('mapping: expected one of templates, search, maestro:nvdla, maestro:shidiannao, maestro:eyeriss, got "maestro"');
  });

  test('a shipped SCAR package under templates; one template on a mixed package is refused by the package\'s checks', () => {
    const file = path.join(ROOT, 'models/packages/scar_dc_het_sides_3x3.json');
    const p = loadPackageWith(file, { mapping: 'templates' });
    expect(Object.fromEntries(p.kinds.map((k) => [k.dataflow, k.mapping]))).toEqual({ ws: 'maestro:nvdla', os: 'maestro:shidiannao' });
    expect(err(() => loadPackageWith(file, { mapping: 'maestro:nvdla' })).message).toMatch(/scar_dc_het_sides_3x3\.json: kinds\.os\.mapping: "maestro:nvdla" is a template of dataflow "ws", but kind "os" has dataflow "os"$/);
  });

  test('sweep: a mapping axis unrolls into units; a bad value is reported against the spec', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-mapping-'));
    const spec = (mapping: unknown[]) => {
      const f = path.join(dir, 'sweep.json');
      fs.writeFileSync(f, JSON.stringify({
        schema: 'mcmsim/sweep@1', name: 'm', scenarios: [path.join(ROOT, 'models/scenarios/scar1_dc_lms.json')],
        packages: [path.join(ROOT, 'models/packages/scar_dc_het_sides_3x3.json')], overrides: { mapping },
      }));
      return f;
    };
    expect(loadSweep(spec(['search', 'templates'])).units.map((u) => u.overrides)).toEqual([{ mapping: 'search' }, { mapping: 'templates' }]);
    const e = err(() => loadSweep(spec(['templates', 'maestro:shidiannao'])));
    expect(e.message).toMatch(/sweep\.json: overrides\.mapping\[1\]: "maestro:shidiannao" is a template of dataflow "os", but kind "ws" has dataflow "ws" \(as kinds\.ws\.mapping of scar_dc_het_sides_3x3\.json\)$/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('MAESTRO constant overrides', () => {
  test('set every kind\'s maestro fields, through the package\'s own checks', () => {
    const file = path.join(ROOT, 'models/packages/scar_ar_het_sides_3x3.json');
    const p = loadPackageWith(file, { mapping: 'templates', maestroNocElemsPerCycle: 16, maestroHopLatencyCycles: 4 });
    expect(p.kinds.map((k) => k.maestro)).toEqual([
      { nocBandwidthElemsPerCycle: 16, offchipBandwidthElemsPerCycle: 128, nocHopLatencyCycles: 4 },
      { nocBandwidthElemsPerCycle: 16, offchipBandwidthElemsPerCycle: 128, nocHopLatencyCycles: 4 },
    ]);
    expect(err(() => loadPackageWith(file, { maestroNocElemsPerCycle: 0 })).message).toMatch(/kinds\.\w+\.maestro\.nocBandwidthElemsPerCycle: must be >= 1 elements\/cycle, got 0$/);
  });
});
