/**
 * Reading and checking JSON input. A `Node` wraps a value with its file and JSON path so
 * every error names both; `obj()` rejects unknown fields (typos are the commonest user bug).
 */
import * as fs from 'fs';
import { InputError } from './errors';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'file not found' : `cannot read (${code})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(file, '', `malformed JSON: ${(e as Error).message}`);
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
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail('expected a number');
    const n = v as number;
    if (opts.int && !Number.isInteger(n)) this.fail(`expected an integer, got ${n}`);
    if (opts.min !== undefined && n < opts.min) this.fail(`must be >= ${opts.min}, got ${n}`);
    if (opts.gt !== undefined && n <= opts.gt) this.fail(`must be > ${opts.gt}, got ${n}`);
    if (opts.max !== undefined && n > opts.max) this.fail(`must be <= ${opts.max}, got ${n}`);
    return n;
  }

  /** A positive integer (a count or a dimension). */
  pos(): number {
    return this.num({ int: true, min: 1 });
  }

  /** A pair of non-negative integers like [rows, cols]; a single number means both. */
  pair(min: number): [number, number] {
    if (typeof this.value === 'number') {
      const n = this.num({ int: true, min });
      return [n, n];
    }
    const a = this.arr();
    if (a.length !== 2) this.fail('expected [height, width]');
    return [a[0].num({ int: true, min }), a[1].num({ int: true, min })];
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
