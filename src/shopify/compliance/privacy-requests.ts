import type { CredentialCipher } from '../../shops/credential-cipher';
import type { SqlExecutor } from '../../store/sql-executor';
import { exportCustomerData, type CustomerDataDocument } from './customer-data-export';
import { eraseCustomer, type ErasureSubject, type RowsByTable } from './customer-erasure';
import { eraseShop } from './shop-erasure';

/** Destinations that hold copies of customers and must forget them too. */
export const DESTINATIONS = ['klaviyo', 'twilio'] as const;

export interface PrivacyShop {
  id: number;
  domain: string;
}

/** Where a request came from, for the audit row. */
export interface RequestOrigin {
  topic: 'customers/data_request' | 'customers/redact' | 'shop/redact';
  webhookId: string | null;
  receivedAt: Date | null;
  /** The inbox row being applied: shop/redact keeps it (without payload) as the replay guard. */
  inboxId?: string | null;
}

/**
 * The three privacy requests Shopify sends. Each runs in the caller's transaction and leaves one audit row
 * without personal data: topic, shop domain, Shopify customer id, rows per table, times.
 */
export class PrivacyRequests {
  constructor(
    private readonly db: SqlExecutor,
    /** Seals the contact details a destination needs to find the person; null when no key is configured. */
    private readonly cipher: CredentialCipher | null,
  ) {}

  /** customers/data_request: the customer's document, kept for the merchant in compliance_requests. */
  async dataRequest(
    shop: PrivacyShop,
    customerId: string,
    origin: RequestOrigin & { source: 'webhook' | 'cli'; requestRef: string | null },
  ): Promise<{ requestId: string; document: CustomerDataDocument }> {
    const document = await exportCustomerData(this.db, shop, customerId);
    const [row]: { id: string }[] = await this.db.query(
      `INSERT INTO compliance_requests (shop_id, customer_id, source, request_ref, document)
       VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id`,
      [shop.id, customerId, origin.source, origin.requestRef, JSON.stringify(document)],
    );
    const rows = Object.fromEntries(Object.entries(document.tables).map(([table, list]) => [table, list.length]));
    await this.audit(shop.domain, customerId, origin, rows);
    return { requestId: String(row.id), document };
  }

  /** The latest stored document of a customer, or null. */
  async latestDocument(shopId: number, customerId: string): Promise<CustomerDataDocument | null> {
    const rows: { document: CustomerDataDocument }[] = await this.db.query(
      `SELECT document FROM compliance_requests WHERE shop_id = $1 AND customer_id = $2 ORDER BY id DESC LIMIT 1`,
      [shopId, customerId],
    );
    return rows[0]?.document ?? null;
  }

  /**
   * customers/redact: the customer erased from every table (verified by a scan), and a deletion queued for
   * each connected destination, keyed by the Shopify customer id; the email and phone the destination needs
   * to find the person travel sealed (AES-256-GCM), never in clear.
   */
  async redactCustomer(shop: PrivacyShop, subject: ErasureSubject, origin: RequestOrigin): Promise<RowsByTable> {
    const contact = await this.db.query(`SELECT email, phone FROM customers WHERE shop_id = $1 AND customer_id = $2`, [
      shop.id,
      subject.customerId,
    ]);
    const email = subject.email ?? contact[0]?.email ?? null;
    const phone = subject.phone ?? contact[0]?.phone ?? null;
    const erased = await eraseCustomer(this.db, shop, subject, { scrubInbox: true, verify: true });
    const queued = await this.queueDestinationDeletions(shop.id, subject.customerId, { email, phone });
    if (queued > 0) erased.destination_deletions_queued = queued;
    await this.audit(shop.domain, subject.customerId, origin, erased);
    return erased;
  }

  /** shop/redact: the shop and all its rows. */
  async redactShop(shop: PrivacyShop, origin: RequestOrigin): Promise<RowsByTable> {
    const erased = await eraseShop(this.db, shop, origin.inboxId ?? null);
    await this.audit(shop.domain, null, origin, erased);
    return erased;
  }

  private async queueDestinationDeletions(
    shopId: number,
    customerId: string,
    contact: { email: string | null; phone: string | null },
  ): Promise<number> {
    const connected: { service: string }[] = await this.db.query(
      `SELECT service FROM shop_credentials WHERE shop_id = $1 AND service = ANY($2::text[])`,
      [shopId, [...DESTINATIONS]],
    );
    if (connected.length === 0) return 0;
    const sealed = this.cipher && (contact.email || contact.phone) ? this.cipher.seal(JSON.stringify(contact)) : null;
    for (const { service } of connected) {
      await this.db.query(
        `INSERT INTO destination_deletions (shop_id, destination, subject_key, sealed_contact)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (shop_id, destination, subject_key) DO UPDATE
           SET status = 'pending', sealed_contact = coalesce(EXCLUDED.sealed_contact, destination_deletions.sealed_contact),
               requested_at = now(), completed_at = NULL`,
        [shopId, service, customerId, sealed],
      );
    }
    return connected.length;
  }

  private async audit(shopDomain: string, customerId: string | null, origin: RequestOrigin, rows: RowsByTable): Promise<void> {
    await this.db.query(
      `INSERT INTO compliance_audit (topic, shop_domain, shopify_customer_id, webhook_id, rows_by_table, received_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [origin.topic, shopDomain, customerId, origin.webhookId, JSON.stringify(rows), origin.receivedAt],
    );
  }
}
