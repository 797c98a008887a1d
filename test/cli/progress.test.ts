import { duration, Progress } from '../../sim/cli/progress';

function stream(isTTY: boolean) {
  const s = { isTTY, text: '', write: (t: string) => ((s.text += t), true) };
  return s;
}

describe('progress on stderr', () => {
  test('not a terminal: one line per unit, k of N', () => {
    const s = stream(false);
    const p = new Progress(3, false, s as never);
    p.unit('a on x');
    p.unit('b on x');
    expect(s.text.split('\n')).toEqual([expect.stringMatching(/^\[1\/3\] a on x \(\d+ s elapsed\)$/), expect.stringMatching(/^\[2\/3\] b on x/), '']);
  });

  test('a terminal: one line rewritten in place with the time left, ended by a newline', () => {
    const s = stream(true);
    const p = new Progress(2, false, s as never);
    p.unit('a');
    expect(s.text).toMatch(/^\r\x1b\[K\[1\/2\] a \(\d+ s elapsed, ~\d+ s left\)$/);
    p.unit('b');
    expect(s.text).toMatch(/\r\x1b\[K\[2\/2\] b \(\d+ s elapsed\)\n$/);
  });

  test('--quiet: nothing', () => {
    const s = stream(true);
    const p = new Progress(2, true, s as never);
    p.note('start');
    p.unit('a');
    p.end();
    expect(s.text).toBe('');
  });

  test('durations', () => {
    expect(duration(0)).toBe('0 s');
    expect(duration(59_400)).toBe('59 s');
    expect(duration(61_000)).toBe('1 min 01 s');
    expect(duration(3_600_000 + 5 * 60_000)).toBe('1 h 05 min');
  });
});
