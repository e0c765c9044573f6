import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { EmbeddedPostgres } from './embedded-postgres';
import { ENTITIES } from './entities';

export interface DatabaseOptions {
  /** A PostgreSQL URL; null starts the embedded database in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** Connections in the pool for a real server (the embedded one always uses one). */
  poolSize?: number;
}

/**
 * The one way the service reaches its database: a TypeORM data source over `pg`, on a real PostgreSQL or on
 * the embedded PGlite, with every pending migration applied before it is handed out.
 */
export class Database {
  private constructor(
    readonly dataSource: DataSource,
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  static async open(options: DatabaseOptions): Promise<Database> {
    const embedded = options.databaseUrl ? null : await EmbeddedPostgres.start(options.dataDir);
    const dataSource = new DataSource({
      type: 'postgres',
      url: options.databaseUrl ?? embedded!.url,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      poolSize: embedded ? EmbeddedPostgres.connectionLimit : (options.poolSize ?? 4),
      // Failed queries are not logged here: their parameters can hold customers' personal data. The error
      // itself reaches the caller, which reports it without parameters.
      logging: false,
    });
    try {
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw describeConnectionError(error, options);
    }
    return new Database(dataSource, embedded);
  }

  get isEmbedded(): boolean {
    return this.embedded !== null;
  }

  async close(): Promise<void> {
    try {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    } finally {
      await this.embedded?.stop();
    }
  }
}

/** Connection errors name the server without its password. */
function describeConnectionError(error: unknown, options: DatabaseOptions): Error {
  if (!options.databaseUrl || !(error instanceof Error)) return error as Error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
    return new Error(`Cannot use the database at ${redactUrl(options.databaseUrl)} (DATABASE_URL): ${error.message}`);
  }
  return error;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
