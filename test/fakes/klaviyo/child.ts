import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultSpec } from './faults';
import type { FakeKlaviyoOptions } from './server';
import type { ChildRequest, FakeSummary } from './standalone';
import type { FakeProfile } from './state';

/**
 * The fake Klaviyo in a child process (see ./standalone): same server, same options, inspected through
 * summary() and a few queries instead of direct access to its state. For benchmarks; tests use FakeKlaviyo.
 */
export interface FakeKlaviyoProcess {
  baseUrl: string;
  summary(): Promise<FakeSummary>;
  inject(fault: FaultSpec): Promise<void>;
  /** External ids of the members of each list with this name. */
  members(listName: string): Promise<string[][]>;
  profiles(externalIds: string[]): Promise<Array<FakeProfile | null>>;
  settle(): Promise<void>;
  close(): Promise<void>;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Request = ChildRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export async function startFakeKlaviyoProcess(options: FakeKlaviyoOptions): Promise<FakeKlaviyoProcess> {
  const child = launch({ ...process.env, FAKE_KLAVIYO_OPTIONS: JSON.stringify(options) });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const ready = new Promise<string>((resolve, reject) => {
    pending.set(0, { resolve: (url) => resolve(url as string), reject });
    child.once('exit', (code) => {
      for (const { reject: fail } of pending.values()) fail(new Error(`fake Klaviyo process exited (code ${code})`));
      pending.clear();
    });
  });
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiting?.reject(new Error(`fake Klaviyo process: ${message.error}`));
    else waiting?.resolve(message.result);
  });
  const ask = <T>(request: Request): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });
  const baseUrl = await ready;
  return {
    baseUrl,
    summary: () => ask<FakeSummary>({ type: 'summary' }),
    inject: (fault) => ask<void>({ type: 'inject', fault }),
    members: (listName) => ask<string[][]>({ type: 'members', listName }),
    profiles: (externalIds) => ask<Array<FakeProfile | null>>({ type: 'profiles', externalIds }),
    settle: () => ask<void>({ type: 'settle' }),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask<void>({ type: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}

/**
 * Compiled (dist/): fork standalone.js. From the TypeScript sources (jest): compile on load with @swc/core.
 * A larger young generation: every imported profile survives, and small semi-spaces copy them over and
 * over (a 10,000-profile job applies in ~75 ms instead of ~120 ms on this machine).
 */
const NODE_FLAGS = ['--max-semi-space-size=64'];

function launch(env: NodeJS.ProcessEnv): ChildProcess {
  const compiled = join(__dirname, 'standalone.js');
  if (existsSync(compiled)) return fork(compiled, [], { env, execArgv: NODE_FLAGS, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const source = join(__dirname, 'standalone.ts');
  const hook = `
    const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
    const fs = require('node:fs');
    require.extensions['.ts'] = (module, filename) => {
      const options = { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
      module._compile(swc.transformSync(fs.readFileSync(filename, 'utf8'), options).code, filename);
    };
    require(${JSON.stringify(source)}).runStandalone();`;
  return spawn(process.execPath, [...NODE_FLAGS, '-e', hook], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
