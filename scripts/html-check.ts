/**
 * Opens an mcmsim HTML report in headless Chromium, offline, and checks that it rendered: no
 * errors (uncaught, rejected, console.error), and the number of SVG marks drawn in each plot
 * (the page records both, sim/report/html/page.ts). Optionally takes a screenshot.
 *
 *   npx ts-node --transpile-only scripts/html-check.ts report.html [shot.png] [height]
 *
 * Needs Debian's chromium (`apt-get install chromium`); exits 2 when it is absent.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';

export const CHROMIUM = '/usr/bin/chromium';

/** The window a report is laid out in: a common laptop screen; "the first screenful" is its height. */
export const SCREEN = { width: 1280, height: 1000 };

/** What one plot looks like on the page (recorded by sim/report/html/page.ts's measure()). */
export interface PlotGeometry {
  /** Page coordinates (px, from the top of the page) of the plot's top and bottom edges. */
  top: number;
  bottom: number;
  /** Axis labels shown (not hidden for overlap), every axis. */
  labels: string[];
  /** Pairs of labels on one axis whose boxes overlap. */
  overlaps: number;
  /** The data value every bar grows from (vertical bars: y; horizontal: x); NaN without bars or a shared edge. */
  barBaseY: number;
  barBaseX: number;
}

export interface HtmlCheck {
  /** Plot id -> SVG marks drawn (0: failed or empty). */
  marks: Record<string, number>;
  /** Plot id -> where it lies and what its axes show. */
  plots: Record<string, PlotGeometry>;
  /** Plots still rendering when the page was read (should be 0). */
  pending: number;
  errors: number;
  warnings: number;
  messages: string;
}

function chromium(args: string[]): string {
  // A fresh profile each run; no network, no first-run or background services.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-chromium-'));
  try {
    const r = spawnSync(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${profile}`, ...args,
    ], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`chromium exited with ${r.status}: ${r.stderr.slice(-2000)}`);
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** Renders `file` (virtual time: the page's scripts run to completion) and reads what it recorded. */
export function checkHtml(file: string, screenshot?: { file: string; width?: number; height?: number }): HtmlCheck {
  const url = pathToFileURL(path.resolve(file)).href;
  // The window of SCREEN: positions on the page are measured in it.
  const dom = chromium(['--virtual-time-budget=20000', `--window-size=${SCREEN.width},${SCREEN.height}`, '--hide-scrollbars', '--dump-dom', url]);
  const html = /<html[^>]*>/.exec(dom)?.[0] ?? '';
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const marks: Record<string, number> = {};
  const plots: Record<string, PlotGeometry> = {};
  for (const m of dom.matchAll(/<div[^>]*\bid="plot-([^"]+)"[^>]*>/g)) {
    marks[m[1]] = Number(attr(m[0], 'data-marks') ?? 0);
    const num = (name: string) => Number(attr(m[0], name) || NaN);
    plots[m[1]] = {
      top: num('data-top'), bottom: num('data-bottom'), labels: JSON.parse(unescape(attr(m[0], 'data-labels') ?? '[]')) as string[],
      overlaps: num('data-overlaps'), barBaseY: num('data-bar-base-y'), barBaseX: num('data-bar-base-x'),
    };
  }
  const result = {
    marks, plots, pending: Number(attr(html, 'data-pending') ?? -1), errors: Number(attr(html, 'data-errors') ?? -1), warnings: Number(attr(html, 'data-warnings') ?? -1),
    messages: unescape(attr(html, 'data-messages') ?? ''),
  };
  if (screenshot) {
    const shot = path.resolve(screenshot.file);
    chromium(['--virtual-time-budget=20000', '--hide-scrollbars', `--window-size=${screenshot.width ?? SCREEN.width},${screenshot.height ?? 4000}`, `--screenshot=${shot}`, url]);
    if (!fs.existsSync(shot)) throw new Error(`chromium wrote no screenshot ${shot}`);
  }
  return result;
}

if (require.main === module) {
  const [file, shot, height] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: scripts/html-check.ts REPORT.html [SCREENSHOT.png] [HEIGHT]\n');
    process.exit(2);
  }
  if (!fs.existsSync(CHROMIUM)) {
    process.stderr.write(`html-check: ${CHROMIUM} not found (apt-get install chromium)\n`);
    process.exit(2);
  }
  const r = checkHtml(file, shot ? { file: shot, height: height ? Number(height) : undefined } : undefined);
  process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  const empty = Object.entries(r.marks).filter(([, n]) => n === 0).map(([id]) => id);
  if (r.errors !== 0 || r.pending !== 0 || empty.length || Object.keys(r.marks).length === 0) {
    process.stderr.write(`html-check: ${file}: ${r.errors} error(s), ${r.pending} plot(s) pending, empty plots: ${empty.join(', ') || 'none'}\n`);
    process.exit(1);
  }
}
