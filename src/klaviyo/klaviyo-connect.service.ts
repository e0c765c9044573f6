import type { ShopCredentialsRepository } from '../shops/shop-credentials.repository';
import type { ShopsRepository } from '../shops/shops.repository';
import { KlaviyoApiError, type KlaviyoClient } from './klaviyo-client';

/** The scopes the sync needs on a private key. */
export const REQUIRED_SCOPES = ['accounts:read', 'lists:read', 'lists:write', 'profiles:read', 'profiles:write', 'events:write', 'data-privacy:write'];

export class KlaviyoNotConnectedError extends Error {
  constructor(domain: string) {
    super(`Shop ${domain} has no Klaviyo key: connect it with segment-sync klaviyo connect --shop ${domain} --key pk_...`);
    this.name = 'KlaviyoNotConnectedError';
  }
}

/** A key Klaviyo refused; the message never contains the key. */
export class KlaviyoKeyRejectedError extends Error {
  constructor(status: number) {
    super(
      status === 401
        ? `Klaviyo rejected the API key (401): check it is a private key (pk_...) of the right account with the ` +
            `${REQUIRED_SCOPES.join(', ')} scopes`
        : `Klaviyo refused the API key (${status}): it lacks a scope; it needs ${REQUIRED_SCOPES.join(', ')}`,
    );
    this.name = 'KlaviyoKeyRejectedError';
  }
}

export class InvalidKlaviyoKeyError extends Error {
  constructor() {
    super('That is not a Klaviyo private API key: it starts with pk_ (public site ids cannot call these APIs)');
    this.name = 'InvalidKlaviyoKeyError';
  }
}

/**
 * Connecting a shop to Klaviyo: the private key is tried against Klaviyo first (a wrong key is reported as
 * such, nothing stored), then stored sealed. The key never appears in a message, a log or the database in
 * clear.
 */
export class KlaviyoConnectService {
  constructor(
    private readonly shops: ShopsRepository,
    private readonly credentials: ShopCredentialsRepository,
    private readonly clientFor: (apiKey: string) => KlaviyoClient,
  ) {}

  async connect(domain: string | null, apiKey: string): Promise<{ shop: string; account: string | null }> {
    const key = apiKey.trim();
    if (!/^pk_[A-Za-z0-9_]+$/.test(key)) throw new InvalidKlaviyoKeyError();
    const shop = await this.shops.resolve(domain);
    let account: string | null;
    try {
      account = await this.clientFor(key).accountName();
    } catch (error) {
      if (error instanceof KlaviyoApiError && (error.status === 401 || error.status === 403)) {
        throw new KlaviyoKeyRejectedError(error.status);
      }
      throw error;
    }
    await this.credentials.put(shop.id, 'klaviyo', key, REQUIRED_SCOPES.join(' '));
    return { shop: shop.domain, account };
  }

  async disconnect(domain: string | null): Promise<{ shop: string }> {
    const shop = await this.shops.resolve(domain);
    await this.credentials.remove(shop.id, 'klaviyo');
    return { shop: shop.domain };
  }
}
