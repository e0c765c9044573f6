import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Typed configuration, read once from the environment and validated at start. An invalid or missing
 * variable stops the process with an error that names it; nothing downstream reads process.env.
 */
export interface AppConfig {
  /** A PostgreSQL server; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | null;
  /** Folder of the embedded database and other local state. */
  dataDir: string;
  /** Port of the HTTP service (`segment-sync serve`). */
  port: number;
  /** Address the HTTP service listens on: loopback unless told otherwise (0.0.0.0 in the container). */
  host: string;
  /** Seed of the K-means clustering: same data and seed, same groups. */
  clusterSeed: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug';
}

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), 'must be a postgres:// or postgresql:// URL');

const schema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  SEGMENT_SYNC_DATA_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().trim().min(1).optional(),
  SEGMENT_SYNC_CLUSTER_SEED: z.coerce.number().int().min(0).optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).optional(),
});

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(
      'Invalid configuration: ' +
        problems.map(({ variable, reason }) => `${variable} ${reason}`).join('; '),
    );
    this.name = 'ConfigError';
  }
}

/** Builds the configuration from an environment (process.env by default); empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in schema.shape && value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0]),
        reason: describeIssue(issue, present[String(issue.path[0])]),
      })),
    );
  }
  const values = parsed.data;
  return {
    databaseUrl: values.DATABASE_URL ?? null,
    dataDir: resolve(cwd, values.SEGMENT_SYNC_DATA_DIR ?? '.segment-sync'),
    port: values.PORT ?? 3000,
    host: values.HOST ?? '127.0.0.1',
    clusterSeed: values.SEGMENT_SYNC_CLUSTER_SEED ?? 42,
    logLevel: values.LOG_LEVEL ?? 'log',
  };
}

/** The NestJS log levels a LOG_LEVEL enables: it and everything more severe. */
export function logLevels(level: AppConfig['logLevel']): AppConfig['logLevel'][] {
  const order: AppConfig['logLevel'][] = ['error', 'warn', 'log', 'debug'];
  return order.slice(0, order.indexOf(level) + 1);
}

function describeIssue(issue: z.core.$ZodIssue, value: string | undefined): string {
  // Never echo DATABASE_URL back: it may hold a password.
  const shown = issue.path[0] === 'DATABASE_URL' || value === undefined ? '' : ` (got '${value}')`;
  return `${issue.message}${shown}`;
}
