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
} from '../core/webhook-payloads';
import type { InboxRow } from './webhook-inbox.repository';
import { VersionedStoreWriter } from './versioned-store-writer';

/** What applying a delivery did: written, ignored as older than the stored version, or nothing to apply. */
export type ApplyOutcome = 'written' | 'stale' | 'skipped';

/**
 * Applies one inbox delivery inside the worker's transaction (the executor): the payload mapped by the pure
 * core, written order-safe, deletions and privacy requests carried out. Throws on anything it cannot apply;
 * the worker rolls that delivery back and retries it later.
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

  async apply(row: InboxRow): Promise<ApplyOutcome> {
    const shops: { id: number; domain: string }[] = await this.db.query(`SELECT id, domain FROM shops WHERE domain = $1`, [
      row.shop_domain,
    ]);
    // The shop was erased (shop/redact) after this delivery arrived: nothing of it may come back.
    if (shops.length === 0) return 'skipped';
    const shop = shops[0];
    const { topic, payload } = row;
    const origin = { webhookId: row.webhook_id, receivedAt: row.received_at, inboxId: row.id };
    switch (topic) {
      case 'orders/create':
      case 'orders/paid':
      case 'orders/updated':
      case 'orders/cancelled':
        return this.writer.order(shop.id, orderFromPayload(topic, payload), `webhook:${row.id}`);
      case 'refunds/create':
        await this.writer.refund(shop.id, refundFromPayload(topic, payload));
        return 'written';
      case 'customers/create':
      case 'customers/update':
        return this.writer.customer(shop.id, customerFromPayload(topic, payload));
      case 'customers/delete':
        await eraseCustomer(this.db, shop, { customerId: deletedCustomerId(topic, payload), email: null, phone: null, orderIds: [] });
        return 'written';
      case 'checkouts/create':
      case 'checkouts/update':
        return this.writer.checkout(shop.id, checkoutFromPayload(topic, payload));
      case 'app/uninstalled':
        await new ShopCredentialsRepository(this.db, null).remove(shop.id, 'shopify');
        await this.db.query(`UPDATE shops SET uninstalled_at = now() WHERE id = $1`, [shop.id]);
        return 'written';
      case 'customers/data_request': {
        const subject = privacySubjectFromPayload(topic, payload);
        await this.privacy.dataRequest(shop, subject.customerId, {
          ...origin,
          topic,
          source: 'webhook',
          requestRef: dataRequestRef(payload),
        });
        return 'written';
      }
      case 'customers/redact':
        await this.privacy.redactCustomer(shop, privacySubjectFromPayload(topic, payload), { ...origin, topic });
        return 'written';
      case 'shop/redact':
        await this.privacy.redactShop(shop, { ...origin, topic });
        return 'written';
      default:
        return 'skipped';
    }
  }
}
