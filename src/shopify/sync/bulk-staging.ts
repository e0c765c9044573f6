import type { EntityManager } from 'typeorm';
import { lineIds } from '../core/jsonl';
import { StagingWriter, type StagedType, type StagedValue } from './staging-writer';

const STAGED_TYPES: StagedType[] = ['bigint', 'text', 'text'];

/**
 * Joins a bulk operation's parents and children by `__parentId` in SQL, so memory stays flat whatever the
 * file's order. Shopify only promises that a child comes somewhere after its parent (with groupObjects off,
 * unrelated lines sit between them), so no line can be finished while reading; holding open parents in the
 * process would grow with the store. Instead every line goes, unparsed, into a temporary table of the
 * import's transaction (parents and children apart), and the parents are read back in file order with
 * their children aggregated, a batch at a time, through a cursor. The tables vanish at commit or rollback.
 */
export class BulkStaging {
  private parents: StagedValue[][] = [];
  private children: StagedValue[][] = [];
  private seq = 0;

  private constructor(
    private readonly db: EntityManager,
    private readonly staging: StagingWriter,
    private readonly batchSize: number,
  ) {}

  /** Creates the staging tables inside the caller's transaction. */
  static async open(db: EntityManager, batchSize = 5000): Promise<BulkStaging> {
    await db.query(`CREATE TEMP TABLE bulk_parents (seq bigint NOT NULL, id text NOT NULL, line text NOT NULL) ON COMMIT DROP`);
    await db.query(`CREATE TEMP TABLE bulk_children (seq bigint NOT NULL, parent_id text NOT NULL, line text NOT NULL) ON COMMIT DROP`);
    return new BulkStaging(db, await StagingWriter.open(db), batchSize);
  }

  async add(line: string): Promise<void> {
    const { id, parentId } = lineIds(line);
    const seq = ++this.seq;
    if (parentId === null) this.parents.push([seq, id, line]);
    else this.children.push([seq, parentId, line]);
    if (this.parents.length + this.children.length >= this.batchSize) await this.flush();
  }

  /**
   * After the last line: parents in file order, each with its children's lines in file order, `batchSize`
   * parents at a time. Children whose parent is not in the file are dropped (Shopify never sends them).
   */
  async *joined(batchSize = 1000): AsyncGenerator<{ parent: string; children: string[] }[]> {
    await this.flush();
    await this.db.query(`CREATE INDEX ON bulk_children (parent_id, seq)`);
    await this.db.query(`ANALYZE bulk_parents, bulk_children`);
    await this.db.query(
      `DECLARE bulk_joined NO SCROLL CURSOR FOR
       SELECT p.line AS parent,
              coalesce((SELECT array_agg(c.line ORDER BY c.seq) FROM bulk_children c WHERE c.parent_id = p.id), '{}') AS children
       FROM bulk_parents p ORDER BY p.seq`,
    );
    try {
      for (;;) {
        const rows: { parent: string; children: string[] }[] = await this.db.query(`FETCH ${Number(batchSize)} FROM bulk_joined`);
        if (rows.length === 0) return;
        yield rows;
      }
    } finally {
      await this.db.query(`CLOSE bulk_joined`);
    }
  }

  private async flush(): Promise<void> {
    await this.staging.write('bulk_parents', STAGED_TYPES, this.parents);
    await this.staging.write('bulk_children', STAGED_TYPES, this.children);
    this.parents = [];
    this.children = [];
  }
}
