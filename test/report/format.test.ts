import { mdTable, pct, sci } from '../../sim/report/format';

describe('number formats shared by the text reports', () => {
  test('pct: signed, two decimals by default, fewer on request; n/a when not finite', () => {
    expect(pct(0.125)).toBe('+12.50%');
    expect(pct(0.125, 1)).toBe('+12.5%');
    expect(pct(-0.5)).toBe('-50.00%');
    expect(pct(0)).toBe('+0.00%');
    expect(pct(NaN)).toBe('n/a');
    expect(pct(Infinity, 1)).toBe('n/a');
  });
  test('sci: four decimals by default, fewer on request; n/a when not finite', () => {
    expect(sci(1500)).toBe('1.5000e+3');
    expect(sci(0.00025, 3)).toBe('2.500e-4');
    expect(sci(NaN)).toBe('n/a');
  });
  test('mdTable: header, separator, one line per row, no trailing newline', () => {
    expect(mdTable(['a', 'b'], [[1, 'x'], [2, 'y']])).toBe('| a | b |\n| --- | --- |\n| 1 | x |\n| 2 | y |');
  });
});
