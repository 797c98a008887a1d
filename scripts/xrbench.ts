/**
 * Reads XRBench's published per-layer model descriptions (the MAESTRO layer files in
 * XRbench_evaluation/usage_scenarios/*.m of github.com/XRBench/XRBench-MLSys2023, MIT licence;
 * Kwon et al., "XRBench", MLSys 2023). SCAR (Odema et al., MICRO 2024) evaluates its AR/VR
 * scenarios on these descriptions through MAESTRO, so they are the faithful input here.
 *
 * Semantics kept from MAESTRO: every layer is `Type: CONV` with Dimensions N K C Y X R S, where Y
 * and X are the input rows and columns, no stride and no padding (output (Y - R + 1) x (X - S + 1)),
 * MACs = N K C R S (Y - R + 1)(X - S + 1). A few layers (17 of about 1300) have a kernel larger
 * than their input, where that formula gives no output: they get the least zero padding that
 * makes the kernel fit (fitPad), a choice of ours. The descriptions list layers in execution order with no
 * graph, so a model is a chain. Depthwise convolutions appear as dense CONV layers (K = C), so
 * their MACs and weights are those of dense convolutions: we keep that, as SCAR's inputs did.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface MaestroLayer {
  name: string;
  n: number;
  k: number;
  c: number;
  y: number;
  x: number;
  r: number;
  s: number;
}

export interface MaestroNetwork {
  name: string;
  file: string;
  fps: number;
  layers: MaestroLayer[];
}

const NET = /\bNetwork\s+(\w+)\s*\{/g;
const LAYER = /Layer\s+(\S+)\s*\{\s*Type:\s*(\w+)\s*Dimensions:\s*\{([^}]*)\}/g;

/** Every network in one MAESTRO file. */
export function parseMaestro(text: string, file: string): MaestroNetwork[] {
  const heads = [...text.matchAll(NET)];
  return heads.map((h, i) => {
    const body = text.slice(h.index! + h[0].length, i + 1 < heads.length ? heads[i + 1].index : text.length);
    const fps = Number(/FPS:\s*(\d+)/.exec(body)?.[1] ?? 0);
    const layers = [...body.matchAll(LAYER)].map((m) => {
      if (m[2] !== 'CONV') throw new Error(`${file}: ${h[1]}/${m[1]}: layer type ${m[2]} is not supported`);
      const d = Object.fromEntries(m[3].split(',').map((kv) => kv.split(':').map((x) => x.trim())).map(([k, v]) => [k, Number(v)]));
      for (const f of ['N', 'K', 'C', 'Y', 'X', 'R', 'S']) {
        if (!Number.isInteger(d[f]) || d[f] < 1) throw new Error(`${file}: ${h[1]}/${m[1]}: bad dimension ${f}`);
      }
      return { name: m[1], n: d.N, k: d.K, c: d.C, y: d.Y, x: d.X, r: d.R, s: d.S };
    });
    return { name: h[1], file: path.basename(file), fps, layers };
  });
}

/** The networks of every .m file under `dir` (the first description of each name wins; they agree). */
export function readXrbench(dir: string): Map<string, MaestroNetwork> {
  const out = new Map<string, MaestroNetwork>();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.m')).sort()) {
    for (const net of parseMaestro(fs.readFileSync(path.join(dir, f), 'utf8'), f)) {
      const prev = out.get(net.name);
      if (!prev) out.set(net.name, net);
      else if (JSON.stringify(prev.layers) !== JSON.stringify(net.layers)) throw new Error(`${f}: ${net.name} differs from its description in ${prev.file}`);
    }
  }
  return out;
}

/** Zero padding per side for a kernel of `k` on `n` input rows: none unless the kernel is larger. */
export const fitPad = (n: number, k: number): number => (n >= k ? 0 : Math.ceil((k - n) / 2));
const outRows = (n: number, k: number) => n + 2 * fitPad(n, k) - k + 1;

/** MACs and weights of a description by MAESTRO's rules and fitPad (the reference totals). */
export function maestroTotals(layers: readonly MaestroLayer[]): { macs: number; weights: number } {
  let macs = 0;
  let weights = 0;
  for (const l of layers) {
    macs += l.n * l.k * l.c * l.r * l.s * outRows(l.y, l.r) * outRows(l.x, l.s);
    weights += l.k * l.c * l.r * l.s;
  }
  return { macs, weights };
}
