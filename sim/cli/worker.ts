/**
 * Entry of a pool worker thread (sim/cli/pool.ts): runs one task and returns its result, or
 * the error as plain data (the class of an Error does not survive the thread boundary, and the
 * CLI needs it to tell bad input, exit 2, from a bug).
 */
import { InputError } from '../input/errors';
import { SearchLimitError } from '../sched/scar/scar';
import { TASKS, TaskName } from './tasks';

export interface WorkerRequest {
  task: TaskName;
  unit: unknown;
}

export type WorkerError =
  | { kind: 'input'; file: string; jsonPath: string; detail: string }
  | { kind: 'search-limit'; message: string }
  | { kind: 'internal'; message: string; stack?: string };

export type WorkerReply = { ok: true; value: unknown } | { ok: false; error: WorkerError };

export function errorToData(e: unknown): WorkerError {
  if (e instanceof InputError) return { kind: 'input', file: e.file, jsonPath: e.jsonPath, detail: e.detail };
  if (e instanceof SearchLimitError) return { kind: 'search-limit', message: e.message };
  const err = e as Error;
  return { kind: 'internal', message: err?.message ?? String(e), stack: err?.stack };
}

export function errorFromData(e: WorkerError): Error {
  if (e.kind === 'input') return new InputError(e.file, e.jsonPath, e.detail);
  if (e.kind === 'search-limit') return new SearchLimitError(e.message);
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

export async function runTask(req: WorkerRequest): Promise<WorkerReply> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const value = await (TASKS[req.task] as (u: any) => unknown)(req.unit);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: errorToData(e) };
  }
}

export default runTask;
