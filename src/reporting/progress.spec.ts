import { createProgress } from './progress';

/** A stream that records what is written; the clock is a variable the test moves. */
function fakeStream(isTTY: boolean, columns = 80): { isTTY: boolean; columns: number; writes: string[]; write(s: string): boolean } {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (s: string) => (writes.push(s), true) };
}

describe('createProgress on a log (not a TTY)', () => {
  it('prints plain lines at 10% steps or after 2 s, then a final line', () => {
    const stream = fakeStream(false);
    let t = 0;
    const p = createProgress({ label: 'import orders', total: 200_000, unit: 'orders', stream, now: () => t });
    expect(stream.writes).toEqual([]);
    t = 1250;
    p.set(50_000); // crosses 10% and 20%: one line
    t = 1300;
    p.set(55_000); // same tenth, 50 ms later: nothing
    t = 3300;
    p.set(56_000); // still 20%, but 2 s since the last line
    t = 5000;
    p.set(200_000); // complete: left to done()
    p.done();
    expect(stream.writes).toEqual([
      'import orders: 50,000 / 200,000 orders (25%) 40,000/s, ETA 0:04\n',
      'import orders: 56,000 / 200,000 orders (28%) 16,970/s, ETA 0:08\n',
      'import orders: done, 200,000 orders in 5.0 s (40,000/s)\n',
    ]);
  });

  it('without a total prints counts and rate every 2 s', () => {
    const stream = fakeStream(false);
    let t = 0;
    const p = createProgress({ label: 'generate customers', unit: 'customers', stream, now: () => t });
    t = 1000;
    p.set(6000);
    t = 2000;
    p.set(12_000);
    t = 3000;
    p.set(18_000);
    p.done('wrote customers.csv');
    expect(stream.writes).toEqual([
      'generate customers: 12,000 customers 6,000/s\n',
      'generate customers: wrote customers.csv, 18,000 customers in 3.0 s (6,000/s)\n',
    ]);
  });

  it('writes about a dozen lines for a million ticks, and nothing after done()', () => {
    const stream = fakeStream(false);
    let t = 0;
    const p = createProgress({ label: 'x', total: 1_000_000, stream, now: () => (t += 0.01) });
    for (let i = 0; i < 1_000_000; i++) p.tick();
    p.done();
    p.tick(5);
    p.done();
    expect(stream.writes.length).toBeGreaterThanOrEqual(10);
    expect(stream.writes.length).toBeLessThanOrEqual(12);
    expect(stream.writes.at(-1)).toMatch(/^x: done, 1,000,000 in /);
  });
});

describe('createProgress on a TTY', () => {
  it('redraws one line in place with bar, counts, rate and ETA', () => {
    const stream = fakeStream(true, 80);
    let t = 0;
    const p = createProgress({ label: 'import orders', total: 200_000, unit: 'orders', stream, now: () => t });
    t = 1250;
    p.set(50_000);
    t = 5000;
    p.set(200_000);
    p.done('imported');
    const [first, quarter, full, last] = stream.writes;
    expect(stream.writes).toHaveLength(4);
    expect(first).toMatch(/^\rimport orders ░+ +0% +0\/200,000 orders\x1b\[K$/);
    expect(quarter).toBe('\rimport orders ███▎░░░░░░░░░   25%   50,000/200,000 orders  40,000/s  ETA 0:04\x1b[K');
    expect(full).toContain('█████████████  100%  200,000/200,000 orders');
    expect(last).toBe('\rimport orders: imported, 200,000 orders in 5.0 s (40,000/s)\x1b[K\n');
    // Only the final write ends the line.
    expect(stream.writes.slice(0, -1).some((w) => w.includes('\n'))).toBe(false);
  });

  it('redraws at most ~10 times a second however often it is told', () => {
    const stream = fakeStream(true);
    let t = 0;
    const p = createProgress({ label: 'run', total: 10_000, stream, now: () => t });
    for (let i = 1; i <= 1000; i++) {
      t = i; // one set() per millisecond for one second
      p.set(i);
    }
    expect(stream.writes.length).toBeLessThanOrEqual(11); // initial draw + one per 100 ms
    expect(stream.writes.length).toBeGreaterThanOrEqual(9);
  });

  it('fits narrow terminals and shows a new label at once', () => {
    const stream = fakeStream(true, 40);
    let t = 0;
    const p = createProgress({ label: 'a rather long label for the work', total: 1_000_000, unit: 'rows', stream, now: () => t });
    t = 500;
    p.set(1000);
    p.update('phase two');
    for (const w of stream.writes) expect([...w.replace(/^\r|\x1b\[K$/g, '')].length).toBeLessThanOrEqual(39);
    expect(stream.writes.at(-1)).toMatch(/^\rphase two/);
  });

  it('reads the clock rarely in a hot loop', () => {
    let reads = 0;
    let t = 0;
    const p = createProgress({
      label: 'hot',
      total: 5_000_000,
      stream: fakeStream(true),
      now: () => {
        reads++;
        return (t += 0.001);
      },
    });
    for (let i = 0; i < 5_000_000; i++) p.tick();
    expect(p.count).toBe(5_000_000);
    expect(reads).toBeLessThan(1000);
  });

  it('defaults to stderr', () => {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      createProgress({ label: 'quiet' }).done();
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
