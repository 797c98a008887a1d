/**
 * Reads an ONNX model file (a protobuf ModelProto) with protobufjs and the subset schema next to
 * this file, into plain structures: nodes with their attributes, graph inputs and outputs with
 * their (possibly symbolic) dims, and initialisers with their dims and, for small integer
 * tensors only, their values. Weight payloads are never decoded or read: float data is not in
 * the subset schema (protobufjs skips it), raw_data of large tensors stays a view of the file
 * buffer, and external data files are never opened.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { InputError } from '../errors';
import { ROOT } from '../../root';
import { readInputFile } from '../json';

// From the repository root, so the compiled CLI (dist/) finds the schema too.
export const ONNX_SUBSET_PROTO = path.join(ROOT, 'sim/input/onnx/onnx_subset.proto');

/** Protobuf messages cannot exceed 2 GiB; bigger models keep their weights in external files. */
export const MAX_ONNX_FILE_BYTES = 2 ** 31;

/** Values are kept for tensors up to this many elements (shape vectors, scalars, axes). */
export const MAX_VALUE_ELEMS = 1024;

export type Dim = number | string;

export interface OnnxAttr {
  readonly name: string;
  readonly f?: number;
  readonly i?: number;
  readonly s?: string;
  readonly floats?: number[];
  readonly ints?: number[];
  readonly t?: OnnxTensor;
}

export interface OnnxNode {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attrs: Map<string, OnnxAttr>;
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: number[];
  readonly dataType: number;
  /** Values of small integer/float tensors stored inline; undefined for weights. */
  readonly values?: number[];
  readonly external: boolean;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** undefined when the file gives no shape. */
  readonly dims?: Dim[];
  readonly elemType: number;
}

export interface OnnxModel {
  readonly file: string;
  readonly producer: string;
  readonly opset: number;
  readonly graphName: string;
  readonly nodes: OnnxNode[];
  readonly initializers: Map<string, OnnxTensor>;
  readonly inputs: OnnxValueInfo[];
  readonly outputs: OnnxValueInfo[];
  readonly valueInfo: Map<string, OnnxValueInfo>;
}

/** TensorProto.DataType values (onnx.proto). */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13 } as const;

/**
 * The ModelProto type of the subset schema, parsed anew on each call (about a millisecond; an
 * import decodes one model). A caller decoding many models loads it once and passes it on.
 * A missing schema is a broken installation, an internal error, never the user's file.
 */
export function loadOnnxSchema(): protobuf.Type {
  let src: string;
  try {
    src = fs.readFileSync(ONNX_SUBSET_PROTO, 'utf8');
  } catch (e) {
    throw new Error(`the ONNX schema ${ONNX_SUBSET_PROTO} cannot be read (${(e as NodeJS.ErrnoException).code}): the installation is incomplete`);
  }
  return protobuf.parse(src, { keepCase: true }).root.lookupType('onnx.ModelProto');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Msg = any;

/** An int64 field (a Long when protobufjs has the long package, else a number) as a safe number. */
function toNum(file: string, x: unknown, what: string, exact = true): number {
  const n = typeof x === 'number' ? x : x && typeof (x as { toNumber?: unknown }).toNumber === 'function' ? (x as { toNumber(): number }).toNumber() : Number(x);
  // Attributes may hold INT64_MAX ("to the end", Slice); dims and versions must be exact.
  if (exact ? !Number.isSafeInteger(n) : !Number.isFinite(n)) throw new InputError(file, what, `${String(x)} is not an integer below 2^53`);
  return n;
}

export function readOnnxFile(file: string, schema: protobuf.Type = loadOnnxSchema()): OnnxModel {
  const buf = readInputFile(file, MAX_ONNX_FILE_BYTES, (mib) => `file is ${(mib / 1024).toFixed(1)} GiB; ONNX files cannot exceed 2 GiB (store the weights as external data)`);
  return decodeOnnx(file, buf, schema);
}

/** `schema`: from loadOnnxSchema(), loaded before the file is judged (a missing schema is our fault, not the file's). */
export function decodeOnnx(file: string, buf: Buffer, schema: protobuf.Type = loadOnnxSchema()): OnnxModel {
  if (buf.length === 0) throw new InputError(file, '', 'empty file, expected an ONNX model');
  const head = buf.subarray(0, 64).toString('latin1').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) throw new InputError(file, '', 'this is a JSON file, expected an ONNX model (binary protobuf)');
  let m: Msg;
  try {
    m = schema.decode(buf);
  } catch (e) {
    // protobufjs messages hold no file bytes ("index out of range: 12 + 10 > 16").
    const why = String((e as Error).message).split('\n')[0].slice(0, 120);
    throw new InputError(file, '', `not a valid ONNX model (protobuf decoding failed: ${why})`);
  }
  const g: Msg = m.graph;
  if (!g || !Array.isArray(g.node) || g.node.length === 0) throw new InputError(file, 'graph', 'not an ONNX model: no graph with nodes (is this an ONNX file?)');
  const opsetEntry = (m.opset_import ?? []).find((o: Msg) => !o.domain || o.domain === 'ai.onnx');
  const opset = opsetEntry ? toNum(file, opsetEntry.version, 'opset_import') : 1;

  const initializers = new Map<string, OnnxTensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name, tensor(file, t));
  const valueInfo = (v: Msg): OnnxValueInfo => {
    const tt = v.type?.tensor_type;
    const dims = tt?.shape ? (tt.shape.dim ?? []).map((d: Msg, i: number): Dim => {
      if (d.dim_param) return String(d.dim_param);
      if (d.dim_value !== undefined && d.dim_value !== null) {
        const n = toNum(file, d.dim_value, `graph.value_info "${v.name}".dim[${i}]`);
        return n > 0 ? n : `?${v.name}:${i}`;
      }
      return `?${v.name}:${i}`;
    }) : undefined;
    return { name: String(v.name ?? ''), dims, elemType: tt?.elem_type ?? 0 };
  };
  const nodes: OnnxNode[] = g.node.map((n: Msg, index: number): OnnxNode => {
    const attrs = new Map<string, OnnxAttr>();
    for (const a of n.attribute ?? []) {
      const s = a.s && a.s.length ? Buffer.from(a.s).toString('utf8') : undefined;
      attrs.set(a.name, {
        name: a.name,
        f: a.f,
        i: a.i !== undefined && a.i !== null ? toNum(file, a.i, `node "${n.name}" attribute ${a.name}`, false) : undefined,
        s,
        floats: a.floats?.length ? a.floats : undefined,
        ints: a.ints?.length ? a.ints.map((x: unknown) => toNum(file, x, `node "${n.name}" attribute ${a.name}`, false)) : undefined,
        t: a.t ? tensor(file, a.t) : undefined,
      });
    }
    return {
      index,
      name: String(n.name ?? ''),
      opType: String(n.op_type ?? ''),
      domain: String(n.domain ?? ''),
      inputs: (n.input ?? []).map(String),
      outputs: (n.output ?? []).map(String),
      attrs,
    };
  });
  return {
    file,
    producer: `${m.producer_name ?? ''} ${m.producer_version ?? ''}`.trim(),
    opset,
    graphName: String(g.name ?? ''),
    nodes,
    initializers,
    inputs: (g.input ?? []).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
    valueInfo: new Map((g.value_info ?? []).map((v: Msg) => [String(v.name), valueInfo(v)])),
  };
}

function tensor(file: string, t: Msg): OnnxTensor {
  const name = String(t.name ?? '');
  const dims: number[] = (t.dims ?? []).map((d: unknown, i: number) => {
    const n = toNum(file, d, `initializer "${name}".dims[${i}]`);
    if (n < 0) throw new InputError(file, `initializer "${name}"`, `negative dimension ${n}`);
    return n;
  });
  const elems = dims.reduce((a, b) => a * b, 1);
  const external = t.data_location === 1 || (t.external_data?.length ?? 0) > 0;
  let values: number[] | undefined;
  if (!external && elems <= MAX_VALUE_ELEMS) values = inlineValues(t, elems);
  return { name, dims, dataType: t.data_type ?? 0, values, external };
}

/** Values of a small inline tensor, for the data types shapes and constants use. */
function inlineValues(t: Msg, elems: number): number[] | undefined {
  if (t.int64_data?.length) return t.int64_data.map((x: unknown) => (typeof x === 'number' ? x : Number(String(x))));
  if (t.int32_data?.length) return [...t.int32_data];
  const raw: Uint8Array | undefined = t.raw_data;
  if (!raw || raw.length === 0) return undefined;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const width: Record<number, number> = { [DT.INT64]: 8, [DT.INT32]: 4, [DT.FLOAT]: 4, [DT.DOUBLE]: 8, [DT.BOOL]: 1, [DT.UINT8]: 1, [DT.INT8]: 1 };
  const w = width[t.data_type];
  if (!w || raw.byteLength !== elems * w) return undefined;
  const out: number[] = [];
  for (let i = 0; i < elems; i++) {
    const o = i * w;
    switch (t.data_type) {
      case DT.INT64: out.push(Number(dv.getBigInt64(o, true))); break;
      case DT.INT32: out.push(dv.getInt32(o, true)); break;
      case DT.FLOAT: out.push(dv.getFloat32(o, true)); break;
      case DT.DOUBLE: out.push(dv.getFloat64(o, true)); break;
      case DT.INT8: out.push(dv.getInt8(o)); break;
      default: out.push(dv.getUint8(o));
    }
  }
  return out;
}
