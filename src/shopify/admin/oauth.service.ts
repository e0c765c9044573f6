import type { IncomingMessage, ServerResponse } from 'node:http';
import { CookieNotFound, InvalidOAuthError } from '@shopify/shopify-api';
import type { ShopConnectionService, ConnectedShop } from './shop-connection.service';
import type { ShopifyApp } from './shopify-app';

export const OAUTH_CALLBACK_PATH = '/shopify/auth/callback';

/** OAuth cannot run: the app's client id and secret, or the service's public URL, are not configured. */
export class OAuthNotConfiguredError extends Error {
  constructor() {
    super('The Shopify app install flow needs SHOPIFY_API_KEY, SHOPIFY_API_SECRET and SHOPIFY_APP_URL to be set');
    this.name = 'OAuthNotConfiguredError';
  }
}

/** The install link was tampered with, replayed, or is too old (hmac or state check failed). */
export class OAuthRejectedError extends Error {
  constructor(reason: string) {
    super(`The Shopify install could not be completed: ${reason}. Start again from /shopify/auth?shop=<your-store>.myshopify.com`);
    this.name = 'OAuthRejectedError';
  }
}

/**
 * The public app's install flow, done by the library: begin redirects the merchant to Shopify's consent
 * screen with a state nonce in a signed cookie; the callback checks the hmac and that state, exchanges the
 * code for an offline token (through the configured origin), and the shop is connected with that token
 * like any other: details read, token sealed.
 */
export class OAuthService {
  constructor(
    private readonly app: ShopifyApp,
    private readonly connections: ShopConnectionService,
  ) {}

  async begin(shop: string, rawRequest: IncomingMessage, rawResponse: ServerResponse): Promise<void> {
    this.requireConfiguration();
    const clean = this.app.api.utils.sanitizeShop(shop ?? '');
    if (!clean) throw new OAuthRejectedError(`'${shop}' is not a shop domain (expected my-store.myshopify.com)`);
    await this.app.api.auth.begin({ shop: clean, callbackPath: OAUTH_CALLBACK_PATH, isOnline: false, rawRequest, rawResponse });
  }

  async callback(rawRequest: IncomingMessage, rawResponse: ServerResponse): Promise<ConnectedShop> {
    this.requireConfiguration();
    const shop = this.app.api.utils.sanitizeShop(new URL(rawRequest.url ?? '/', 'http://localhost').searchParams.get('shop') ?? '');
    if (!shop) throw new OAuthRejectedError('the callback names no valid shop');
    this.app.route(shop);
    let session;
    try {
      ({ session } = await this.app.api.auth.callback({ rawRequest, rawResponse }));
    } catch (error) {
      if (error instanceof InvalidOAuthError) throw new OAuthRejectedError('its signature (hmac) or state did not check out');
      if (error instanceof CookieNotFound) throw new OAuthRejectedError('the state cookie is missing or expired');
      throw error;
    }
    if (!session.accessToken) throw new OAuthRejectedError('Shopify returned no access token');
    return this.connections.connect(session.shop, session.accessToken);
  }

  private requireConfiguration(): void {
    const { apiKey, apiSecret, appUrl } = this.app.options;
    if (!apiKey || !apiSecret || !appUrl) throw new OAuthNotConfiguredError();
  }
}
