import * as fs from 'fs';
import * as path from 'path';
import { goldenMetrics } from './metrics';

// Golden end-to-end outputs for small scenarios. Regenerate with the command in expected.json
// only after a deliberate model change.
const root = __dirname;
const cases = fs.readdirSync(root).filter((n) => fs.existsSync(path.join(root, n, 'expected.json')));

describe('golden end-to-end cases', () => {
  test('there is at least one case', () => expect(cases.length).toBeGreaterThan(0));
  test.each(cases)('%s matches expected.json', async (name) => {
    const expected = JSON.parse(fs.readFileSync(path.join(root, name, 'expected.json'), 'utf8'));
    const got = await goldenMetrics(path.join(root, name));
    expect(got.greedy).toEqual(expected.greedy);
    expect(got.scar).toEqual(expected.scar);
    expect(got.hand).toEqual(expected.hand);
  });
});
