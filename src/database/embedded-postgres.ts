import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded default: PGlite (PostgreSQL compiled to WebAssembly) keeping its files in the data folder,
 * served on a loopback port over the Postgres wire protocol so that TypeORM and `pg` run the same code and
 * the same SQL as against a real server.
 *
 * PGlite is one database session. The socket server multiplexes connections onto it query by query, which
 * would interleave one connection's statements into another's transaction, so callers must use a single
 * connection (see `connectionLimit`).
 */
export class EmbeddedPostgres {
  static readonly connectionLimit = 1;

  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lock: DataFolderLock,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    mkdirSync(dataDir, { recursive: true });
    const lock = DataFolderLock.acquire(dataDir);
    try {
      const db = await PGlite.create(join(dataDir, 'pgdata'));
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
      await server.start();
      const [host, port] = server.getServerConn().split(':');
      return new EmbeddedPostgres(db, server, lock, host, Number(port));
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  get url(): string {
    return `postgres://postgres@${this.host}:${this.port}/postgres`;
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
      await this.db.close();
    } finally {
      this.lock.release();
    }
  }
}

/**
 * Two processes opening one PGlite folder would corrupt it: the folder is locked by a pid file, and a lock
 * left by a process that no longer runs is taken over.
 */
class DataFolderLock {
  private constructor(private readonly path: string) {}

  static acquire(dataDir: string): DataFolderLock {
    const path = join(dataDir, 'segment-sync.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataFolderLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(path, 'utf8'));
        if (holder && holder !== process.pid && isRunning(holder)) {
          throw new Error(
            `The embedded database in ${dataDir} is in use by process ${holder}. ` +
              'Stop it, or point SEGMENT_SYNC_DATA_DIR at another folder.',
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new Error(`Could not lock the embedded database folder ${dataDir}`);
  }

  release(): void {
    if (existsSync(this.path)) rmSync(this.path, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
