import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** A staging column's PostgreSQL type: what the embedded path casts its arrays to. */
export type StagedType = 'bigint' | 'int' | 'text' | 'numeric' | 'timestamptz';
export type StagedValue = string | number | null;

/**
 * Appends rows to a temporary staging table of the caller's transaction. The one place that chooses how:
 * on a PostgreSQL server, COPY FROM STDIN in text format (no per-row parameters, no statement per batch
 * beyond the COPY itself); on the embedded PGlite, whose socket server loses protocol sync on COPY FROM
 * STDIN (tried: "protocol synchronization was lost"), one INSERT ... SELECT FROM unnest of an array per
 * column. Both write the same values.
 */
export class StagingWriter {
  private constructor(
    private readonly manager: EntityManager,
    private readonly copy: boolean,
  ) {}

  static async open(manager: EntityManager): Promise<StagingWriter> {
    const [{ version }]: { version: string }[] = await manager.query(`SELECT version() AS version`);
    // COPY needs the transaction's own connection, which only a transaction's manager has.
    return new StagingWriter(manager, !/PGlite/.test(version) && manager.queryRunner !== undefined);
  }

  /** Whether rows travel by COPY (a server) or by INSERT ... unnest (the embedded database). */
  get usesCopy(): boolean {
    return this.copy;
  }

  async write(table: string, types: readonly StagedType[], rows: StagedValue[][]): Promise<void> {
    if (rows.length === 0) return;
    if (this.copy) await this.copyRows(table, rows);
    else await this.insertRows(table, types, rows);
  }

  private async copyRows(table: string, rows: StagedValue[][]): Promise<void> {
    const client = (await this.manager.queryRunner!.connect()) as PoolClient;
    let body = '';
    for (const row of rows) body += row.map(copyText).join('\t') + '\n';
    const stream = client.query(copyFrom(`COPY ${table} FROM STDIN`));
    await new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(body);
    });
  }

  private async insertRows(table: string, types: readonly StagedType[], rows: StagedValue[][]): Promise<void> {
    const columns = types.map((_, i) => rows.map((row) => row[i]));
    const casts = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
    await this.manager.query(`INSERT INTO ${table} SELECT * FROM unnest(${casts})`, columns);
  }
}

/** COPY's text format: \N for null; backslash, tab, newline and carriage return escaped. */
function copyText(value: StagedValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
