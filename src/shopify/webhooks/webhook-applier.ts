import type { CredentialCipher } from '../../shops/credential-cipher';
import { ShopCredentialsRepository } from '../../shops/shop-credentials.repository';
import type { SqlExecutor } from '../../store/sql-executor';
import { eraseCustomer } from '../compliance/customer-erasure';
import { PrivacyRequests } from '../compliance/privacy-requests';
import {
  checkoutFromPayload,
  customerFromPayload,
  dataRequestRef,
  deletedCustomerId,
  orderFromPayload,
  privacySubjectFromPayload,
  refundFromPayload,
  type RefundRecord,
  type Versioned,
} from '../core/webhook-payloads';
import type { CustomerRecord } from '../../store/store-records';
import type { InboxRow } from './webhook-inbox.repository';
import { VersionedStoreWriter, type VersionedCheckout, type VersionedOrder } from './versioned-store-writer';

/**
 * A delivery mapped to what it writes. Record upserts (orders, refunds, customers, checkouts) can be applied
 * together with others of their kind; the rest (deletions, uninstall, privacy requests) one by one, in order.
 */
export type PreparedDelivery =
  | { kind: 'orders'; record: VersionedOrder }
  | { kind: 'refunds'; record: RefundRecord }
  | { kind: 'customers'; record: Versioned<CustomerRecord> }
  | { kind: 'checkouts'; record: VersionedCheckout }
  | { kind: 'single' };
export type UpsertKind = Exclude<PreparedDelivery['kind'], 'single'>;

/**
 * Applies inbox deliveries inside the worker's transaction (the executor): payloads mapped by the pure core,
 * records written order-safe, deletions and privacy requests carried out. Throws on anything it cannot
 * apply; the worker rolls back and retries.
 */
export class WebhookApplier {
  private readonly writer: VersionedStoreWriter;
  private readonly privacy: PrivacyRequests;

  constructor(
    private readonly db: SqlExecutor,
    cipher: CredentialCipher | null,
  ) {
    this.writer = new VersionedStoreWriter(db);
    this.privacy = new PrivacyRequests(db, cipher);
  }

  /** Maps the payload (pure; throws WebhookPayloadError on a payload it cannot read). */
  prepare(row: InboxRow): PreparedDelivery {
    const { topic, payload } = row;
    switch (topic) {
      case 'orders/create':
      case 'orders/paid':
      case 'orders/updated':
      case 'orders/cancelled':
        return { kind: 'orders', record: orderFromPayload(topic, payload) };
      case 'refunds/create':
        return { kind: 'refunds', record: refundFromPayload(topic, payload) };
      case 'customers/create':
      case 'customers/update':
        return { kind: 'customers', record: customerFromPayload(topic, payload) };
      case 'checkouts/create':
      case 'checkouts/update':
        return { kind: 'checkouts', record: checkoutFromPayload(topic, payload) };
      default:
        return { kind: 'single' };
    }
  }

  /** Writes upserts of one kind for one shop together; a shop erased meanwhile gets nothing back. */
  async applyUpserts(shopDomain: string, kind: UpsertKind, records: PreparedDelivery[]): Promise<void> {
    const shop = await this.shop(shopDomain);
    if (!shop) return;
    if (kind === 'orders') await this.writer.orders(shop.id, records.flatMap((p) => (p.kind === 'orders' ? [p.record] : [])));
    if (kind === 'refunds') await this.writer.refunds(shop.id, records.flatMap((p) => (p.kind === 'refunds' ? [p.record] : [])));
    if (kind === 'customers') await this.writer.customers(shop.id, records.flatMap((p) => (p.kind === 'customers' ? [p.record] : [])));
    if (kind === 'checkouts') await this.writer.checkouts(shop.id, records.flatMap((p) => (p.kind === 'checkouts' ? [p.record] : [])));
  }

  /** Applies one delivery on its own. */
  async apply(row: InboxRow): Promise<void> {
    const prepared = this.prepare(row);
    if (prepared.kind !== 'single') return this.applyUpserts(row.shop_domain, prepared.kind, [prepared]);
    const shop = await this.shop(row.shop_domain);
    // The shop was erased (shop/redact) after this delivery arrived: nothing of it may come back.
    if (!shop) return;
    const { topic, payload } = row;
    const origin = { webhookId: row.webhook_id, receivedAt: row.received_at, inboxId: row.id };
    switch (topic) {
      case 'customers/delete': {
        const customerId = deletedCustomerId(topic, payload);
        await this.writer.customerDeleted(shop.id, customerId, row.triggered_at ?? row.received_at);
        await eraseCustomer(this.db, shop, { customerId, email: null, phone: null, orderIds: [] });
        return;
      }
      case 'app/uninstalled':
        await new ShopCredentialsRepository(this.db, null).remove(shop.id, 'shopify');
        await this.db.query(`UPDATE shops SET uninstalled_at = now() WHERE id = $1`, [shop.id]);
        return;
      case 'customers/data_request':
        await this.privacy.dataRequest(shop, privacySubjectFromPayload(topic, payload).customerId, {
          ...origin,
          topic,
          source: 'webhook',
          requestRef: dataRequestRef(payload),
        });
        return;
      case 'customers/redact':
        await this.privacy.redactCustomer(shop, privacySubjectFromPayload(topic, payload), { ...origin, topic });
        return;
      case 'shop/redact':
        await this.privacy.redactShop(shop, { ...origin, topic });
        return;
    }
  }

  private async shop(domain: string): Promise<{ id: number; domain: string } | null> {
    const rows: { id: number; domain: string }[] = await this.db.query(`SELECT id, domain FROM shops WHERE domain = $1`, [domain]);
    return rows[0] ?? null;
  }
}
