import { ShopCredentialsRepository } from '../../shops/shop-credentials.repository';
import type { ShopRecord } from '../../shops/shops.repository';
import { ShopifyAdminClient, type ShopifyAdminClientOptions } from './admin-api-client';
import type { ShopifyApp } from './shopify-app';

/** The shop has no Shopify token stored: it was never connected, or was uninstalled. */
export class ShopNotConnectedError extends Error {
  constructor(domain: string) {
    super(
      `${domain} is not connected to Shopify: run segment-sync shops add --domain ${domain} --token <Admin API token>, ` +
        `or install the app through /shopify/auth?shop=${domain}`,
    );
    this.name = 'ShopNotConnectedError';
  }
}

/** Admin API clients for connected shops, with the shop's sealed token opened only here. */
export class AdminClients {
  constructor(
    private readonly app: ShopifyApp,
    private readonly credentials: ShopCredentialsRepository,
    private readonly options: ShopifyAdminClientOptions = {},
  ) {}

  async forShop(shop: Pick<ShopRecord, 'id' | 'domain'>): Promise<ShopifyAdminClient> {
    const token = await this.credentials.get(shop.id, 'shopify');
    if (!token) throw new ShopNotConnectedError(shop.domain);
    return this.withToken(shop.domain, token);
  }

  /** The scopes the shop's token was granted, as stored when it was connected. */
  async grantedScopes(shopId: number): Promise<string[] | null> {
    const scopes = await this.credentials.scopes(shopId, 'shopify');
    return scopes === null ? null : scopes.split(',').filter(Boolean);
  }

  withToken(domain: string, token: string): ShopifyAdminClient {
    return new ShopifyAdminClient(this.app, domain, token, this.options);
  }
}
