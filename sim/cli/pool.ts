/**
 * Runs independent units (sim/cli/tasks.ts) on every core: a worker-thread pool (piscina) with
 * `jobs` threads, results returned in unit order whatever order they finish in, so output is the
 * same for any `jobs`. `jobs` = 1 runs the units one after another in this process (no thread
 * start-up, the same code path as a library call) unless `isolate` is set.
 *
 * Workers run the compiled JavaScript when the CLI is compiled (dist/); when this file is
 * TypeScript (ts-node, jest) the workers load ts-node's transpile-only hook first.
 */
import * as os from 'os';
import * as path from 'path';
import Piscina from 'piscina';
import { TaskName, UnitOf, ResultOf } from './tasks';
import { errorFromData, runTask, WorkerReply } from './worker';

export interface PoolOptions<R> {
  jobs: number;
  /** Called in completion order with the unit's index; a throw stops the run. */
  onResult?: (index: number, result: R) => void | Promise<void>;
  /** Aborting stops handing out units; units running in workers are cut short. */
  signal?: AbortSignal;
  /**
   * Run even a single job in a worker thread, so that this thread stays free to handle signals
   * (a unit is seconds to minutes of synchronous work; in this thread it would delay Ctrl-C).
   */
  isolate?: boolean;
}

/** The default for `--jobs`: the cores this process may use (respects CPU affinity, e.g. Slurm's). */
export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

export async function runUnits<T extends TaskName>(task: T, units: UnitOf<T>[], opts: PoolOptions<ResultOf<T>>): Promise<ResultOf<T>[]> {
  type R = ResultOf<T>;
  const results: R[] = new Array(units.length);
  const settle = async (i: number, reply: WorkerReply) => {
    if (!reply.ok) throw errorFromData(reply.error);
    const value = reply.value as R;
    results[i] = value;
    await opts.onResult?.(i, value);
  };

  if (opts.signal?.aborted) throw abortError();
  if (units.length === 0) return results;
  const jobs = Math.max(1, Math.min(opts.jobs, units.length));
  if (jobs <= 1 && !opts.isolate) {
    for (let i = 0; i < units.length; i++) {
      if (opts.signal?.aborted) throw abortError();
      await settle(i, await runTask({ task, unit: units[i] }));
    }
    return results;
  }

  const ts = path.extname(__filename) === '.ts';
  const pool = new Piscina({
    filename: path.join(__dirname, `worker${ts ? '.ts' : '.js'}`),
    minThreads: jobs,
    maxThreads: jobs,
    idleTimeout: 1000,
    // A task piscina could not hand to a busy worker goes back to the head of the queue, not
    // the tail: units start in their order.
    stricterFIFO: true,
    execArgv: ts ? ['--require', 'ts-node/register/transpile-only'] : [],
  });
  // Tasks get no AbortSignal of their own: piscina keeps such tasks in a side queue that does not
  // start them in order. Stopping destroys the pool instead, which ends running tasks' threads
  // and rejects the queued ones. With units started in order, an interrupted run leaves about a
  // prefix of the grid done.
  let destroyed: Promise<void> | undefined;
  const destroy = () => (destroyed ??= pool.destroy());
  let failure: unknown;
  const fail = (e: unknown) => {
    // The first failure stops the others; later ones are its consequences.
    if (failure === undefined) {
      failure = e;
      void destroy();
    }
  };
  const stop = () => fail(abortError());
  opts.signal?.addEventListener('abort', stop);
  try {
    await Promise.all(
      units.map((unit, i) =>
        pool
          .run({ task, unit })
          .then((reply: WorkerReply) => (failure === undefined ? settle(i, reply) : undefined))
          .catch(fail),
      ),
    );
    if (failure !== undefined) throw failure;
    return results;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await destroy();
  }
}

function abortError(): Error {
  const e = new Error('interrupted');
  e.name = 'AbortError';
  return e;
}
