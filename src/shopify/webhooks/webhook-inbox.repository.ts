import type { SqlExecutor } from '../../store/sql-executor';

export interface InboxDelivery {
  webhookId: string;
  topic: string;
  shopDomain: string;
  /** The raw body as received (JSON text): stored as jsonb. */
  body: string;
  triggeredAt: Date | null;
}

/** What the inbox did with a delivery. */
export type IntakeOutcome = 'accepted' | 'duplicate' | 'unknown-shop';

export interface InboxRow {
  id: string;
  webhook_id: string;
  topic: string;
  shop_domain: string;
  payload: any;
  received_at: Date;
  /** When Shopify says the event happened (X-Shopify-Triggered-At), if it said. */
  triggered_at: Date | null;
  attempts: number;
}

export interface InboxFailure {
  id: string;
  error: string;
}

/** After this many failed attempts a delivery is marked failed, with the reason, and left for an operator. */
export const MAX_ATTEMPTS = 8;

/**
 * The durable inbox of verified webhooks. Intake is one statement; the worker claims pending rows with
 * FOR UPDATE SKIP LOCKED so several replicas share the inbox without applying a delivery twice.
 */
export class WebhookInboxRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** Stores one delivery: see insertMany. */
  async insert(delivery: InboxDelivery): Promise<IntakeOutcome> {
    return (await this.insertMany([delivery]))[0];
  }

  /**
   * Stores deliveries in one statement (one commit for all: the inbox's throughput is set by commits), each
   * once (the webhook id is unique), only for shops the service knows. A replay is recognised even after its
   * shop was erased. Outcomes in the order given.
   */
  async insertMany(deliveries: InboxDelivery[]): Promise<IntakeOutcome[]> {
    const rows: { i: number; seen: boolean; known: boolean; inserted: boolean }[] = await this.db.query(
      `WITH d AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                       WITH ORDINALITY AS d(webhook_id, topic, shop_domain, body, triggered_at, i)),
       inserted AS (
         INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, triggered_at)
         SELECT DISTINCT ON (d.webhook_id) d.webhook_id, d.topic, d.shop_domain, d.body::jsonb, d.triggered_at
         FROM d JOIN shops s ON s.domain = d.shop_domain
         ORDER BY d.webhook_id, d.i
         ON CONFLICT (webhook_id) DO NOTHING
         RETURNING webhook_id)
       SELECT d.i::int AS i,
              EXISTS (SELECT 1 FROM webhook_inbox w WHERE w.webhook_id = d.webhook_id) AS seen,
              EXISTS (SELECT 1 FROM shops s WHERE s.domain = d.shop_domain) AS known,
              EXISTS (SELECT 1 FROM inserted n WHERE n.webhook_id = d.webhook_id) AS inserted
       FROM d ORDER BY d.i`,
      [
        deliveries.map((d) => d.webhookId),
        deliveries.map((d) => d.topic),
        deliveries.map((d) => d.shopDomain),
        deliveries.map((d) => d.body),
        deliveries.map((d) => d.triggeredAt?.toISOString() ?? null),
      ],
    );
    return rows.map((row) => (row.inserted ? 'accepted' : row.seen || row.known ? 'duplicate' : 'unknown-shop'));
  }

  /** Pending deliveries due now, oldest first, locked for this transaction; rows other workers hold are skipped. */
  async claim(limit: number): Promise<InboxRow[]> {
    return this.db.query(
      `SELECT id, webhook_id, topic, shop_domain, payload, received_at, triggered_at, attempts FROM webhook_inbox
       WHERE status = 'pending' AND next_attempt_at <= now()
       ORDER BY next_attempt_at, id LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  /** Applied: the payload is dropped (it may hold personal data), the row stays as the deduplication key. */
  async markApplied(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE webhook_inbox SET status = 'applied', applied_at = now(), attempts = attempts + 1, payload = NULL,
              last_error = NULL
       WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** A failed attempt: retried with exponential backoff (2 s, 4 s, ... capped at an hour), failed after MAX_ATTEMPTS. */
  async markFailedAttempts(failures: InboxFailure[]): Promise<void> {
    if (failures.length === 0) return;
    await this.db.query(
      `UPDATE webhook_inbox i SET attempts = i.attempts + 1, last_error = f.error,
              status = CASE WHEN i.attempts + 1 >= $2 THEN 'failed' ELSE 'pending' END,
              next_attempt_at = now() + least(interval '1 hour', interval '1 second' * power(2, i.attempts + 1))
       FROM jsonb_to_recordset($1::jsonb) AS f(id bigint, error text)
       WHERE i.id = f.id`,
      [JSON.stringify(failures), MAX_ATTEMPTS],
    );
  }

  async counts(): Promise<Record<string, number>> {
    const rows: { status: string; count: number }[] = await this.db.query(
      `SELECT status, count(*)::int AS count FROM webhook_inbox GROUP BY status`,
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }
}
