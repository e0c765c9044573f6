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
  /**
   * The 32-byte key that seals vendor credentials at rest (AES-256-GCM), as 64 hex characters or base64.
   * Optional until a credential is stored: a shop with sealed credentials and no key, or the wrong key,
   * stops the service at start.
   */
  secretKey: Buffer | null;
  shopify: {
    /** Where the Admin API is reached: null means each shop's own https://{shop}/admin; tests point it at a fake. */
    apiBaseUrl: string | null;
    /** The public app's client id and secret (OAuth install, webhook signatures). */
    apiKey: string | null;
    apiSecret: string | null;
    /** This service's public address, for the OAuth callback and webhook deliveries. */
    appUrl: string | null;
  };
  klaviyo: {
    /** Where Klaviyo's API is reached (default https://a.klaviyo.com); tests point it at a fake. */
    apiBaseUrl: string;
  };
}

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), 'must be a postgres:// or postgresql:// URL');

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s]+$/.test(value), 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

const schema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  SEGMENT_SYNC_DATA_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().trim().min(1).optional(),
  SEGMENT_SYNC_CLUSTER_SEED: z.coerce.number().int().min(0).optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).optional(),
  SEGMENT_SYNC_SECRET_KEY: z
    .string()
    .trim()
    .refine((value) => decodeKey(value) !== null, 'must be 32 bytes, as 64 hex characters or base64')
    .optional(),
  SHOPIFY_API_BASE_URL: httpUrl.optional(),
  SHOPIFY_API_KEY: z.string().trim().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().trim().min(1).optional(),
  SHOPIFY_APP_URL: httpUrl.optional(),
  KLAVIYO_API_BASE_URL: httpUrl.optional(),
});

const SECRET_VARIABLES = new Set(['DATABASE_URL', 'SEGMENT_SYNC_SECRET_KEY', 'SHOPIFY_API_SECRET']);

/** A 32-byte key from 64 hex characters or base64, or null when it is neither. */
export function decodeKey(value: string): Buffer | null {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return key.length === 32 ? key : null;
}

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
    secretKey: values.SEGMENT_SYNC_SECRET_KEY ? decodeKey(values.SEGMENT_SYNC_SECRET_KEY) : null,
    shopify: {
      apiBaseUrl: values.SHOPIFY_API_BASE_URL ?? null,
      apiKey: values.SHOPIFY_API_KEY ?? null,
      apiSecret: values.SHOPIFY_API_SECRET ?? null,
      appUrl: values.SHOPIFY_APP_URL ?? null,
    },
    klaviyo: { apiBaseUrl: values.KLAVIYO_API_BASE_URL ?? 'https://a.klaviyo.com' },
  };
}

/** The NestJS log levels a LOG_LEVEL enables: it and everything more severe. */
export function logLevels(level: AppConfig['logLevel']): AppConfig['logLevel'][] {
  const order: AppConfig['logLevel'][] = ['error', 'warn', 'log', 'debug'];
  return order.slice(0, order.indexOf(level) + 1);
}

function describeIssue(issue: z.core.$ZodIssue, value: string | undefined): string {
  // Never echo a secret back (DATABASE_URL may hold a password).
  const shown = SECRET_VARIABLES.has(String(issue.path[0])) || value === undefined ? '' : ` (got '${value}')`;
  return `${issue.message}${shown}`;
}
