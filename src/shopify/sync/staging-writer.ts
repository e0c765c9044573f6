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
    const batch = this.batch(types);
    for (const row of rows) batch.add(row);
    await this.send(table, batch);
  }

  /**
   * An empty batch of rows for one table. On a server each row is rendered as COPY text as it is added (the
   * process's work, spread over the reading), so a caller that queues batches holds encoded text, not rows.
   */
  batch(types: readonly StagedType[]): StagedBatch {
    return new StagedBatch(types, this.copy);
  }

  /** Writes the batch (the database's work). */
  async send(table: string, batch: StagedBatch): Promise<void> {
    if (batch.size === 0) return;
    if (this.copy) await this.copyText(table, batch.sealed());
    else await this.insertRows(table, batch.types, batch.rows);
  }

  private async copyText(table: string, body: Buffer): Promise<void> {
    const client = (await this.manager.queryRunner!.connect()) as PoolClient;
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

/**
 * Rows for one staging table. For COPY each row is rendered and encoded into a growing buffer as it is
 * added: the row's strings die young (a batch of retained strings would outlive the young generation and
 * cost the garbage collector far more than the rendering), and the buffer lives outside the JS heap.
 */
export class StagedBatch {
  size = 0;
  readonly rows: StagedValue[][] = [];
  private buffer: Buffer;
  private length = 0;

  constructor(
    readonly types: readonly StagedType[],
    private readonly asText: boolean,
  ) {
    this.buffer = Buffer.allocUnsafe(asText ? 1 << 20 : 0);
  }

  add(row: StagedValue[]): void {
    this.size++;
    if (!this.asText) {
      this.rows.push(row);
      return;
    }
    let line = copyText(row[0]);
    for (let i = 1; i < row.length; i++) line += '\t' + copyText(row[i]);
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the newline.
    if (this.length + line.length * 3 + 1 > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + line.length * 3 + 1));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(line, this.length, 'utf8');
    this.buffer[this.length++] = 0x0a;
  }

  /** The COPY body. */
  sealed(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** COPY's text format: \N for null; backslash, tab, newline and carriage return escaped. */
function copyText(value: StagedValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
