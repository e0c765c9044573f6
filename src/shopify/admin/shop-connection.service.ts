import { DataSource } from 'typeorm';
import { CredentialKeyError } from '../../shops/credential-cipher';
import { ShopCredentialsRepository } from '../../shops/shop-credentials.repository';
import { ShopsRepository, type ShopRecord } from '../../shops/shops.repository';
import { AdminClients } from './admin-clients';
import { SHOP_DETAILS } from './documents';

export interface ConnectedShop {
  shop: ShopRecord;
  /** The access scopes Shopify granted the token. */
  scopes: string[];
}

export class InvalidConnectionRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConnectionRequestError';
  }
}

interface ShopDetailsData {
  shop: { name: string; myshopifyDomain: string; currencyCode: string; ianaTimezone: string };
  currentAppInstallation: { accessScopes: { handle: string }[] };
}

/**
 * Connects a shop with an Admin API access token (a custom app's, or the offline token of an OAuth install):
 * the token is proven by reading the shop's details from the API, then the shop's name, currency and time
 * zone are kept and the token is stored sealed, with its granted scopes. The token is never echoed.
 */
export class ShopConnectionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: AdminClients,
    private readonly secretKey: Buffer | null,
  ) {}

  async connect(domain: string, token: string): Promise<ConnectedShop> {
    const shopDomain = (domain ?? '').trim().toLowerCase();
    if (!shopDomain) throw new InvalidConnectionRequestError('a shop domain is required (e.g. my-store.myshopify.com)');
    if (!token || !token.trim()) throw new InvalidConnectionRequestError('an Admin API access token is required');
    if (!this.secretKey) {
      // Checked before Shopify is asked: a token that cannot be stored sealed is not accepted at all.
      throw new CredentialKeyError(
        'SEGMENT_SYNC_SECRET_KEY is not set: it is needed to store the Shopify token sealed ' +
          '(32 bytes as 64 hex characters or base64; generate one with: openssl rand -hex 32)',
      );
    }
    const details = await this.clients.withToken(shopDomain, token.trim()).query<ShopDetailsData>(SHOP_DETAILS);
    const scopes = details.currentAppInstallation.accessScopes.map((scope) => scope.handle).sort();
    return this.dataSource.transaction(async (manager) => {
      const shops = new ShopsRepository(manager);
      const created = await shops.ensure(shopDomain);
      const shop = await shops.updateDetails(created.id, {
        name: details.shop.name,
        currency: details.shop.currencyCode,
        timezone: details.shop.ianaTimezone,
      });
      await shops.markInstalled(shop.id);
      await new ShopCredentialsRepository(manager, this.secretKey).put(shop.id, 'shopify', token.trim(), scopes.join(','));
      return { shop, scopes };
    });
  }
}
