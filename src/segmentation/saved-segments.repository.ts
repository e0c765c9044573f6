import { CATALOGUE_THRESHOLDS, catalogueSegments, type CatalogueSegment } from './core/catalogue-segments';
import { compileSegmentQuery, parseSegmentQuery, type CompiledSegmentQuery } from './core/query';
import { ELIGIBILITY_WINDOW_YEARS, ELIGIBLE_FINANCIAL_STATUSES } from './core/eligibility';
import type { SqlExecutor } from '../store/sql-executor';
import { SEGMENT_ATTRIBUTE_COLUMNS, segmentAttributesSql } from './segment-attributes.sql';
import type { CustomerPart } from '../store/customer-parts';

export interface SavedSegment {
  segmentId: number;
  key: string;
  name: string;
  description: string | null;
  query: string;
  source: 'custom' | 'catalogue';
}

export interface SegmentPreview {
  customers: number;
  sample: { customerId: string; email: string | null; amountSpent: number; numberOfOrders: number; rfmGroup: string | null }[];
}

/** Parameters $1..$5 of the attributes rows; a compiled query's own parameters follow. */
const FIRST_QUERY_PARAMETER = 6;

/**
 * Merchants' saved segments and their members at each run. Every query is compiled to parameterised SQL by
 * the core compiler (core/query) against the attribute columns of segment-attributes.sql.ts; no query text
 * ever reaches SQL.
 */
export class SavedSegmentsRepository {
  constructor(private readonly db: SqlExecutor) {}

  async list(shopId: number): Promise<SavedSegment[]> {
    const rows = await this.db.query(
      `SELECT segment_id, key, name, description, query, source FROM saved_segments WHERE shop_id = $1
       ORDER BY source DESC, key`,
      [shopId],
    );
    return rows.map(toSavedSegment);
  }

  /** Creates or updates a segment; null when the key belongs to a segment of the other source. */
  async save(shopId: number, segment: Omit<SavedSegment, 'segmentId'>): Promise<SavedSegment | null> {
    const [row] = await this.db.query(
      `INSERT INTO saved_segments (shop_id, key, name, description, query, source) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (shop_id, key) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
         query = EXCLUDED.query, updated_at = now()
       WHERE saved_segments.source = EXCLUDED.source
       RETURNING segment_id, key, name, description, query, source`,
      [shopId, segment.key, segment.name, segment.description, segment.query, segment.source],
    );
    return row ? toSavedSegment(row) : null;
  }

  /** True when a segment was removed. */
  /**
   * The catalogue every store gets, as saved segments of source 'catalogue', refreshed from the store at a
   * run: its checkout categories, its customers' countries and its big-spender line (90th percentile of
   * spend at that run, from the run's features). Catalogue segments whose category or country is gone are
   * removed.
   */
  async refreshCatalogue(shopId: number, runId: number): Promise<CatalogueSegment[]> {
    const [context] = await this.db.query(
      `SELECT
         ARRAY(SELECT DISTINCT category FROM checkouts, unnest(categories) AS category
               WHERE shop_id = $1 AND category <> '' ORDER BY 1) AS categories,
         ARRAY(SELECT DISTINCT country FROM customers WHERE shop_id = $1 AND country IS NOT NULL ORDER BY 1) AS countries,
         (SELECT percentile_disc(${CATALOGUE_THRESHOLDS.bigSpenderPercentile}) WITHIN GROUP (ORDER BY monetary)
          FROM segment_run_features WHERE shop_id = $1 AND run_id = $2)::float8 AS big_spender_threshold`,
      [shopId, runId],
    );
    const catalogue = catalogueSegments({
      categories: context.categories,
      countries: context.countries,
      bigSpenderThreshold: context.big_spender_threshold ?? undefined,
    });
    await this.db.query(
      `DELETE FROM saved_segments WHERE shop_id = $1 AND source = 'catalogue' AND NOT (key = ANY($2::text[]))`,
      [shopId, catalogue.map((segment) => segment.key)],
    );
    for (const segment of catalogue) await this.save(shopId, { ...segment, source: 'catalogue' });
    return catalogue;
  }

  async remove(shopId: number, key: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM saved_segments WHERE shop_id = $1 AND key = $2 RETURNING key`, [
      shopId,
      key,
    ]);
    return rows.length > 0;
  }

  /** Count and a sample of the customers a query selects at a run, computed in SQL. */
  async preview(shopId: number, runId: number, asOf: Date, query: string, sampleSize: number): Promise<SegmentPreview> {
    const compiled = compile(query, asOf);
    const selected = `(${attributesOf(compiled)}) AS a`;
    const parameters = [...attributeParameters(shopId, runId, asOf), ...compiled.parameters];
    const [{ customers }] = await this.db.query(
      `SELECT count(*)::int AS customers FROM ${selected} WHERE ${compiled.sql}`,
      parameters,
    );
    const sample = await this.db.query(
      `SELECT a.customer_id, c.email, a.amount_spent::float8 AS amount_spent, a.number_of_orders, a.rfm_group
       FROM ${selected} JOIN customers c ON c.shop_id = $1 AND c.customer_id = a.customer_id
       WHERE ${compiled.sql}
       ORDER BY a.amount_spent DESC, a.customer_id LIMIT ${Math.trunc(sampleSize)}`,
      parameters,
    );
    return {
      customers,
      sample: sample.map((row: Record<string, any>) => ({
        customerId: row.customer_id,
        email: row.email,
        amountSpent: row.amount_spent,
        numberOfOrders: row.number_of_orders,
        rfmGroup: row.rfm_group,
      })),
    };
  }

  /**
   * Writes the members of every saved segment of the shop at a run, for the customers of one part, in one
   * scan of the attribute rows: each customer's row lists the segments whose compiled condition it meets.
   * Returns members per segment key. Runs in the part's transaction of the segment run, after its
   * memberships: it reads the run's features and the trend purchases counted beside them (segment_run_values).
   */
  async evaluateAll(shopId: number, runId: number, asOf: Date, part: CustomerPart): Promise<Record<string, number>> {
    const segments = await this.list(shopId);
    if (segments.length === 0) return {};
    const parameters: unknown[] = [...attributeParameters(shopId, runId, asOf), part.parts, part.part];
    const memberships: string[] = [];
    let trend = false;
    for (const segment of segments) {
      const compiled = compile(segment.query, asOf, parameters.length + 1);
      trend ||= compiled.attributes.includes('trend_purchase_share');
      parameters.push(...compiled.parameters);
      // segment_id is an integer from our own table, never user text.
      memberships.push(`CASE WHEN ${compiled.sql} THEN ${Number(segment.segmentId)} END`);
    }
    // Each customer's list is computed once (materialized, not once for the filter and again for the row),
    // and the counts come from that list rather than from the rows written back.
    const counts: { segment_id: number; customers: number }[] = await this.db.query(
      `WITH evaluated AS MATERIALIZED (
         SELECT a.customer_id, array_remove(ARRAY[${memberships.join(', ')}], NULL) AS segment_ids
         FROM (${segmentAttributesSql({ trend, buyers: 'run' })}) AS a),
       written AS (
         INSERT INTO saved_segment_members (shop_id, run_id, customer_id, segment_ids)
         SELECT $1, $2, customer_id, segment_ids FROM evaluated WHERE cardinality(segment_ids) > 0)
       SELECT segment_id, count(*)::int AS customers
       FROM (SELECT unnest(segment_ids) AS segment_id FROM evaluated) AS listed
       GROUP BY segment_id`,
      parameters,
    );
    const members = new Map(counts.map((row) => [row.segment_id, row.customers]));
    return Object.fromEntries(segments.map((segment) => [segment.key, members.get(segment.segmentId) ?? 0]));
  }
}

/** Compiles against the attribute columns; a bad query throws SegmentQueryError (position and expectation). */
export function compile(query: string, asOf: Date, firstParameter = FIRST_QUERY_PARAMETER): CompiledSegmentQuery {
  return compileSegmentQuery(query, { now: asOf, firstParameter, columns: SEGMENT_ATTRIBUTE_COLUMNS });
}

/** Throws SegmentQueryError for a query that does not parse or type-check. */
export function checkQuery(query: string): void {
  parseSegmentQuery(query);
}

function attributesOf(compiled: CompiledSegmentQuery): string {
  return segmentAttributesSql({ trend: compiled.attributes.includes('trend_purchase_share'), buyers: 'stored' });
}

function attributeParameters(shopId: number, runId: number, asOf: Date): unknown[] {
  return [shopId, runId, asOf, ELIGIBLE_FINANCIAL_STATUSES, ELIGIBILITY_WINDOW_YEARS];
}

function toSavedSegment(row: Record<string, any>): SavedSegment {
  return {
    segmentId: row.segment_id,
    key: row.key,
    name: row.name,
    description: row.description,
    query: row.query,
    source: row.source,
  };
}
