import { Engine, EventTarget } from '../../sim/engine/engine';

class Recorder implements EventTarget {
  log: string[] = [];
  constructor(private readonly engine: Engine) {}
  onEvent(kind: number, arg: unknown, now: number): void {
    this.log.push(`${now}:${kind}:${arg}`);
    if (kind === 9) this.engine.after(0, this, 10, 'same-time follow-up');
  }
}

describe('Engine', () => {
  test('runs events in time order, equal times in scheduling order (FIFO)', () => {
    const e = new Engine();
    const r = new Recorder(e);
    e.at(50, r, 1, 'a');
    e.at(10, r, 2, 'b');
    e.at(50, r, 3, 'c');
    e.at(10, r, 4, 'd');
    e.at(50, r, 9, 'e');
    e.run();
    expect(r.log).toEqual(['10:2:b', '10:4:d', '50:1:a', '50:3:c', '50:9:e', '50:10:same-time follow-up']);
    expect(e.nowPs).toBe(50);
    expect(e.eventsProcessed).toBe(6);
  });
  test('rejects events in the past and non-integer times', () => {
    const e = new Engine();
    const r = new Recorder(e);
    e.at(100, r, 1);
    e.run();
    expect(() => e.at(99, r, 1)).toThrow(/past/);
    expect(() => e.at(100.5, r, 1)).toThrow(/integer/);
  });
  test('fingerprint depends on event times and kinds', () => {
    const fp = (times: number[]) => {
      const e = new Engine({ fingerprint: true });
      const r = new Recorder(e);
      for (const t of times) e.at(t, r, 1);
      e.run();
      return e.fingerprint;
    };
    expect(fp([1, 2, 3])).toBe(fp([1, 2, 3]));
    expect(fp([1, 2, 3])).not.toBe(fp([1, 2, 4]));
  });
});
