import { LedgerWrites } from './ledger-writes';

/** A write that records when it starts and ends, and ends when the test says so. */
function controlledWrite(log: string[], name: string) {
  let finish!: (fail?: boolean) => void;
  const write = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`${name} starts`);
      finish = (fail = false) => {
        log.push(`${name} ends`);
        if (fail) reject(new Error(`${name} failed`));
        else resolve(name);
      };
    });
  return { write, finish: (fail?: boolean) => finish(fail) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('LedgerWrites', () => {
  it('lets shared writes overlap; an exclusive one waits for every write before it, and the writes after it wait for it', async () => {
    const log: string[] = [];
    const writes = new LedgerWrites();
    const [a, b, c, d] = ['job A', 'job B', 'profile ids', 'job C'].map((name) => controlledWrite(log, name));

    const done = [writes.shared(a.write), writes.shared(b.write), writes.exclusive(c.write), writes.shared(d.write)];
    await turn();
    expect(log).toEqual(['job A starts', 'job B starts']);

    b.finish();
    await turn();
    a.finish();
    await turn();
    expect(log).toEqual(['job A starts', 'job B starts', 'job B ends', 'job A ends', 'profile ids starts']);

    c.finish();
    await turn();
    d.finish();
    expect(await Promise.all(done)).toEqual(['job A', 'job B', 'profile ids', 'job C']);
    expect(log.slice(5)).toEqual(['profile ids ends', 'job C starts', 'job C ends']);
  });

  it('a failed write fails only its caller: the writes after it still run', async () => {
    const log: string[] = [];
    const writes = new LedgerWrites();
    const [a, b, c] = ['job A', 'removals', 'job B'].map((name) => controlledWrite(log, name));

    const failing = writes.shared(a.write);
    const exclusive = writes.exclusive(b.write);
    const after = writes.shared(c.write);
    await turn();
    a.finish(true);
    await expect(failing).rejects.toThrow('job A failed');
    await turn();
    b.finish(true);
    await expect(exclusive).rejects.toThrow('removals failed');
    await turn();
    c.finish();
    await expect(after).resolves.toBe('job B');
  });
});
