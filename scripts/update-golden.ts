/**
 * Regenerates the golden end-to-end metrics checked by test/golden/golden.test.ts:
 *   npx ts-node --transpile-only scripts/update-golden.ts
 * For each case folder under test/golden/ it runs the greedy and the SCAR (seed 1) schedulers on
 * scenario.json x package.json and the hand-written schedule.json when present, and writes
 * expected.json.
 * Only rerun it after a deliberate model change, and say why in the commit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { goldenMetrics } from '../test/golden/metrics';

async function main() {
  const root = path.resolve(__dirname, '../test/golden');
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const metrics = await goldenMetrics(dir);
    const doc = { command: 'npx ts-node --transpile-only scripts/update-golden.ts', ...metrics };
    fs.writeFileSync(path.join(dir, 'expected.json'), JSON.stringify(doc, null, 2) + '\n');
    console.log(`wrote test/golden/${name}/expected.json`);
  }
}
main();
