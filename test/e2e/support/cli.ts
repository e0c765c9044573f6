import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Helpers of the end-to-end tests: they run the compiled command line (`bin/segment-sync.js`, i.e. dist/, so
 * `npm run build` must have run) in a child process, the way a user does, with a clean environment.
 */

export const REPO = resolve(__dirname, '../../..');
export const BIN = join(REPO, 'bin/segment-sync.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** SEGMENT_SYNC_DATA_DIR; omitted = not set. */
  dataDir?: string;
  /** Extra variables (DATABASE_URL, PORT, ...). */
  env?: Record<string, string>;
  /** Working directory; a throwaway temp folder by default so nothing lands in the repository. */
  cwd?: string;
}

/** The environment a user's shell would give: none of the service's variables unless the test sets them. */
export function cliEnv(options: CliOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'TEST_DATABASE_URL',
    'PORT',
    'HOST',
    'LOG_LEVEL',
    'SEGMENT_SYNC_DATA_DIR',
    'SEGMENT_SYNC_CLUSTER_SEED',
    // jest runs with --experimental-vm-modules; the command line must not need it.
    'NODE_OPTIONS',
    'FORCE_COLOR',
  ]) {
    delete env[name];
  }
  if (options.dataDir !== undefined) env.SEGMENT_SYNC_DATA_DIR = options.dataDir;
  return { ...env, ...options.env };
}

let scratch: string | null = null;
function scratchCwd(): string {
  scratch ??= makeTempDir('segment-sync-e2e-cwd-');
  return scratch;
}

/** Spawns `node bin/segment-sync.js ...args` (process.execPath: the Node 22 npm put on the PATH). */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? scratchCwd(),
    env: cliEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Runs the command and expects exit code 0; otherwise fails with what the command printed. */
export async function runCliOk(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const result = await runCli(args, options);
  if (result.code !== 0) {
    throw new Error(
      `segment-sync ${args.join(' ')} exited with ${result.code ?? result.signal}\n` +
        `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

/** Runs a `--json` command and parses what it printed. */
export async function runCliJson<T = any>(args: string[], options: CliOptions = {}): Promise<T> {
  const result = await runCliOk(args, options);
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`segment-sync ${args.join(' ')} printed no JSON:\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
}

const tempDirs: string[] = [];

export function makeTempDir(prefix = 'segment-sync-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  scratch = null;
  emptyFolder = null;
}

let emptyFolder: Promise<{ dataDir: string; result: CliResult }> | null = null;

/**
 * `segment` run once on a new, empty data folder: the user's first command before any import. It fails
 * (no shop yet) but leaves the folder holding the embedded database, created and migrated, with no shop.
 */
export function firstRunOnEmptyFolder(): Promise<{ dataDir: string; result: CliResult }> {
  emptyFolder ??= (async () => {
    const dataDir = join(makeTempDir(), 'data');
    const result = await runCli(['segment'], { dataDir });
    return { dataDir, result };
  })();
  return emptyFolder;
}

/**
 * A data folder as a user's first command leaves it: a copy of the folder of firstRunOnEmptyFolder(). Creating
 * the embedded database costs ~3 s of CPU, so the stores of one test file start from this copy; the tests of
 * a brand-new folder (the demo, the empty folder) still create their own.
 */
export async function emptyDataDir(): Promise<string> {
  const { dataDir } = await firstRunOnEmptyFolder();
  if (existsSync(join(dataDir, 'segment-sync.lock'))) throw new Error(`${dataDir} is still locked`);
  const copy = join(makeTempDir(), 'data');
  cpSync(dataDir, copy, { recursive: true });
  return copy;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** ANSI colour codes (NestJS's logger colours even a pipe). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

export { createServerDatabase } from '../../support/test-databases';

/**
 * The run summary as the command line prints it with --json and the HTTP API returns it: written out here,
 * as the tests' own statement of the contract, rather than imported from the code under test.
 */
export interface TransitionCount {
  from: string | null;
  to: string | null;
  customers: number;
}

export interface GroupSummary {
  group: string;
  name: string;
  customers: number;
  share: number;
  meanRecencyDays: number;
  meanFrequency: number;
  meanMonetary: number;
  revenue: number;
  revenueShare: number;
}

export interface RunSummary {
  runId: number;
  runNumber: number;
  shopDomain: string;
  currency: string;
  asOf: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  customers: number;
  orders: number;
  revenue: number;
  groups: GroupSummary[];
  scoreHeatmap: { r: number; f: number; customers: number; meanMonetary: number }[];
  previousRunId: number | null;
  transitions: TransitionCount[];
  entered: number;
  left: number;
  parameters: Record<string, unknown>;
}

/** The six groups, in the order every output lists them, with their display names. */
export const GROUP_KEYS = ['new', 'about_to_sleep', 'sleepers', 'potential_loyal', 'loyal', 'loyal_at_risk'] as const;
export const GROUP_NAMES: Record<(typeof GROUP_KEYS)[number], string> = {
  new: 'New',
  about_to_sleep: 'About to Sleep',
  sleepers: 'Sleepers',
  potential_loyal: 'Potential Loyal',
  loyal: 'Loyal',
  loyal_at_risk: 'Loyal at Risk',
};

export interface RunningService {
  url: string;
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** SIGKILL if it still runs (after a failed test). */
  kill(): Promise<void>;
}

/** Starts `serve --port 0` and resolves once it prints the URL it listens on. */
export function startService(options: CliOptions = {}): Promise<RunningService> {
  const child = spawnCli(['serve', '--port', '0'], options);
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) =>
    child.on('exit', (code, signal) => resolvePromise({ code, signal })),
  );
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return new Promise((resolvePromise, reject) => {
    const fail = (why: string) => reject(new Error(`serve ${why}:\n--- stdout\n${out}\n--- stderr\n${err}`));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail('printed no URL within 30 s');
    }, 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = stripAnsi(out).match(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
      if (match && Number(match[2]) > 0) {
        clearTimeout(timer);
        resolvePromise({
          url: match[1],
          process: child,
          exited,
          stdout: () => out,
          stderr: () => err,
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(`exited (${code ?? signal}) before listening`);
    });
  });
}
