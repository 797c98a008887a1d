/**
 * Reading and checking JSON input. A `Node` wraps a value with its file and JSON path so
 * every error names both; `obj()` rejects unknown fields (typos are the commonest user bug).
 */
import * as fs from 'fs';
import { InputError } from './errors';
import { describeJsonError } from './jsonerror';
import { MAX_INPUT_FILE_BYTES, RangeKey, rangeViolation } from './ranges';

export function readJsonFile(file: string): unknown {
  return parseJsonText(file, readInputFile(file, MAX_INPUT_FILE_BYTES, (mib) => `file is ${mib.toFixed(0)} MiB; input files above ${MAX_INPUT_FILE_BYTES / 2 ** 20} MiB are refused`));
}

/**
 * An input file's bytes, refused above `maxBytes` before it is read (`tooBig` says why, given the
 * size in MiB); a missing file, a folder or an unreadable file is one line naming it.
 */
export function readInputFile(file: string, maxBytes: number, tooBig: (mib: number) => string): Buffer {
  try {
    const size = fs.statSync(file).size;
    if (size > maxBytes) throw new InputError(file, '', tooBig(size / 2 ** 20));
    return fs.readFileSync(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code})`);
  }
}

/** Parses JSON bytes; a UTF-8 byte-order mark is skipped, binary data is named as such (never echoed). */
export function parseJsonText(file: string, buf: Buffer): unknown {
  const head = buf.subarray(0, 4096);
  if (head.includes(0)) throw new InputError(file, '', 'not a JSON text file (binary data)');
  const text = buf.toString('utf8', buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0);
  if (text.slice(0, 4096).includes('\ufffd')) throw new InputError(file, '', 'not a JSON text file (not UTF-8)');
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(file, '', `malformed JSON at ${describeJsonError(text)}`);
  }
}

export class Node {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  fail(detail: string): never {
    throw new InputError(this.file, this.path, detail);
  }

  /** Checks the value is an object whose keys are all in `required` or `optional`. */
  obj(required: readonly string[], optional: readonly string[] = []): ObjNode {
    const v = this.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail('expected an object');
    const rec = v as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (!required.includes(k) && !optional.includes(k)) {
        const allowed = [...required, ...optional].join(', ');
        throw new InputError(this.file, join(this.path, k), `unknown field (allowed: ${allowed})`);
      }
    }
    for (const k of required) {
      if (!(k in rec)) throw new InputError(this.file, join(this.path, k), 'missing required field');
    }
    return new ObjNode(this.file, this.path, rec);
  }

  arr(minLength = 0): Node[] {
    if (!Array.isArray(this.value)) this.fail('expected an array');
    const a = this.value as unknown[];
    if (a.length < minLength) this.fail(`expected at least ${minLength} element(s)`);
    return a.map((x, i) => new Node(this.file, `${this.path}[${i}]`, x));
  }

  str(allowed?: readonly string[]): string {
    if (typeof this.value !== 'string' || this.value.length === 0) this.fail('expected a non-empty string');
    const s = this.value as string;
    if (allowed && !allowed.includes(s)) this.fail(`expected one of ${allowed.join(', ')}, got "${s}"`);
    return s;
  }

  num(opts: { min?: number; max?: number; int?: boolean; gt?: number } = {}): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`expected a number, got ${describe(v)}`);
    const n = v as number;
    if (opts.int && !Number.isInteger(n)) this.fail(`expected an integer, got ${n}`);
    if (opts.min !== undefined && n < opts.min) this.fail(`must be >= ${opts.min}, got ${n}`);
    if (opts.gt !== undefined && n <= opts.gt) this.fail(`must be > ${opts.gt}, got ${n}`);
    if (opts.max !== undefined && n > opts.max) this.fail(`must be <= ${opts.max}, got ${n}`);
    return n;
  }

  /** A number inside the documented sane range of `key` (sim/input/ranges.ts). */
  ranged(key: RangeKey): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`expected a number, got ${describe(v)}`);
    const why = rangeViolation(key, v as number);
    if (why) this.fail(why);
    return v as number;
  }

  /** A positive integer (a count or a dimension). */
  pos(): number {
    return this.num({ int: true, min: 1 });
  }

  /** A pair of integers like [rows, cols] in `key`'s range; a single number means both. */
  pair(key: RangeKey, what = '[height, width]'): [number, number] {
    if (typeof this.value === 'number') {
      const n = this.ranged(key);
      return [n, n];
    }
    if (!Array.isArray(this.value) || this.value.length !== 2) this.fail(`expected a number or ${what}`);
    const a = this.arr();
    return [a[0].ranged(key), a[1].ranged(key)];
  }
}

export class ObjNode {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly rec: Record<string, unknown>,
  ) {}

  has(key: string): boolean {
    return key in this.rec;
  }

  get(key: string): Node {
    return new Node(this.file, join(this.path, key), this.rec[key]);
  }

  /** The field as a Node, or undefined when absent. */
  opt(key: string): Node | undefined {
    return this.has(key) ? this.get(key) : undefined;
  }

  fail(detail: string): never {
    throw new InputError(this.file, this.path, detail);
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** A value as it may appear in a one-line message (short, printable). */
function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 || /[^\x20-\x7e]/.test(v) ? 'a string' : JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : String(v);
}

/**
 * The top-level object of an input file of `kind`: the schema is checked before the fields, so
 * a scenario passed where a package is expected is named as the wrong kind of file.
 */
export function topObject(file: string, json: unknown, kind: string, required: readonly string[], optional: readonly string[]): ObjNode {
  const root = new Node(file, '', json);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) root.fail(`expected an mcmsim/${kind}@1 object, got ${describe(json)}`);
  const schema = (json as Record<string, unknown>).schema;
  const want = `mcmsim/${kind}@1`;
  if (schema === undefined) throw new InputError(file, 'schema', `missing required field (expected "${want}")`);
  if (schema !== want) {
    const m = typeof schema === 'string' ? /^mcmsim\/(\w+)@(\d+)$/.exec(schema) : null;
    const s = new Node(file, 'schema', schema);
    if (m && m[1] !== kind) s.fail(`this is a ${m[1]} file, expected a ${kind} file ("${want}")`);
    s.fail(`expected "${want}", got ${describe(schema)}`);
  }
  return root.obj(['schema', ...required], optional);
}

/** Checks `"schema": "mcmsim/<kind>@1"`. */
export function checkSchema(o: ObjNode, kind: string): void {
  const want = `mcmsim/${kind}@1`;
  const got = o.get('schema').str();
  if (got !== want) o.get('schema').fail(`expected "${want}", got "${got}"`);
}

export function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x as object)) deepFreeze(v);
  }
  return x;
}
