/**
 * Process-level registry of the temporary files the CLI is writing (schedules, traces,
 * imported workloads), so none is left behind when the process is interrupted.
 *
 * Why a helper process: the simulator and the schedulers run synchronously for seconds to
 * minutes, and a JavaScript SIGINT/SIGTERM handler only runs when the event loop is free, so
 * installing one would make Ctrl-C wait for the end of the run. Instead the process keeps its
 * default signal behaviour (it dies at once), and a small detached helper, started with the
 * first temporary file, learns each file's name through a pipe (synchronous writes, before the
 * file is created) and deletes whatever is still listed when the pipe closes, which happens
 * however the CLI ends (signal, crash, normal exit). Committed files are unlisted first.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';

// Reads "+path" / "-path" lines; at end of input deletes the paths still listed.
const REAPER = `
const fs = require('fs');
const live = new Set();
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (line[0] === '+') live.add(line.slice(1)); else live.delete(line.slice(1));
  }
});
process.stdin.on('end', () => { for (const p of live) { try { fs.unlinkSync(p); } catch {} } });
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
`;

let reaper: ChildProcess | null = null;
let reaperFd = -1;
let enabled = false;

/** Turns the helper on (the CLI's entry point does; library use and tests do not need it). */
export function enableTempReaper(): void {
  enabled = true;
}

function send(line: string): void {
  if (!enabled) return;
  if (!reaper) {
    reaper = spawn(process.execPath, ['-e', REAPER], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    reaper.unref();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const handle = (reaper.stdin as any)?._handle;
    reaperFd = typeof handle?.fd === 'number' ? handle.fd : -1;
    (reaper.stdin as unknown as { unref?: () => void })?.unref?.();
    reaper.on('error', () => {
      reaperFd = -1;
    });
  }
  const text = line + '\n';
  try {
    // Synchronous: the name must reach the helper before the process can be killed.
    if (reaperFd >= 0) fs.writeSync(reaperFd, text);
    else reaper.stdin?.write(text);
  } catch {
    // The helper is gone; the 'exit' hooks of the writers still clean up on a normal exit.
  }
}

/** Call before creating `tmpPath`. */
export function registerTemp(tmpPath: string): void {
  send('+' + tmpPath);
}

/** Call after `tmpPath` was renamed or deleted. */
export function releaseTemp(tmpPath: string): void {
  send('-' + tmpPath);
}
