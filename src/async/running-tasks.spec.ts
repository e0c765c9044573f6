import { RunningTasks } from './running-tasks';

/** A task that ends when the test says so. */
function task(log: string[], name: string) {
  let end!: (error?: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    log.push(`${name} starts`);
    end = (error) => {
      log.push(`${name} ends`);
      if (error) reject(error);
      else resolve();
    };
  });
  return { promise, end: (error?: Error) => end(error) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('RunningTasks', () => {
  it('makes room for a next task only once fewer than the limit run', async () => {
    const log: string[] = [];
    const tasks = new RunningTasks(2);
    const [a, b] = [task(log, 'a'), task(log, 'b')];
    tasks.add(a.promise);
    tasks.add(b.promise);
    let roomFound = false;
    const room = tasks.room().then(() => (roomFound = true));
    await turn();
    expect(roomFound).toBe(false);

    b.end();
    await room;
    expect(roomFound).toBe(true);
    a.end();
    await tasks.settle();
    expect(log).toEqual(['a starts', 'b starts', 'b ends', 'a ends']);
  });

  it('keeps the first failure for the next step, and settle waits for the tasks still running', async () => {
    const log: string[] = [];
    const tasks = new RunningTasks(3);
    const [a, b, c] = [task(log, 'a'), task(log, 'b'), task(log, 'c')];
    [a, b, c].forEach((t) => tasks.add(t.promise));

    b.end(new Error('b failed'));
    await turn();
    a.end(new Error('a failed'));
    await turn();
    expect(tasks.failed).toBe(true);
    await expect(tasks.room()).rejects.toThrow('b failed');

    let settled = false;
    const settling = tasks.settle().then(() => (settled = true));
    await turn();
    expect(settled).toBe(false);
    c.end();
    await settling;
    expect(() => tasks.throwIfFailed()).toThrow('b failed');
  });
});
