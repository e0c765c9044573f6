import { ApiVersion, LogSeverity, Session, shopifyApi, type Shopify } from '@shopify/shopify-api';

// Required rather than imported: with this project's module resolution TypeScript would type-check the
// package's own .ts sources for these two entry points (which do not compile under our settings); at run
// time Node resolves them to the package's compiled CommonJS through its "exports".
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('@shopify/shopify-api/adapters/node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setAbstractFetchFunc } = require('@shopify/shopify-api/runtime') as {
  setAbstractFetchFunc: (fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>) => void;
};

export const API_VERSION = ApiVersion.October26;

/** What the app asks for when a merchant installs it (OAuth) and what the import needs. */
export const APP_SCOPES = ['read_customers', 'read_orders', 'read_all_orders', 'read_products'];

export interface ShopifyAppOptions {
  /** Replaces `https://{shop}` in every request the library makes; null for the real Shopify. */
  apiBaseUrl: string | null;
  /** The public app's client id and secret; a custom-app token needs neither. */
  apiKey: string | null;
  apiSecret: string | null;
  /** This service's public address (OAuth redirect). */
  appUrl: string | null;
  /** Where the library's own warnings and errors go (it never logs tokens at these levels). */
  log?: (message: string) => void;
}

/**
 * The configured `@shopify/shopify-api` instance and the one place where the Admin API's address is
 * decided. The library builds `https://{shop}/admin/...` itself (GraphQL client, OAuth token exchange), and
 * every such request goes through its runtime's abstract fetch: that is where the origin is replaced by
 * SHOPIFY_API_BASE_URL, so tests and sandboxes drive the real library against a fake.
 */
export class ShopifyApp {
  readonly api: Shopify;

  constructor(readonly options: ShopifyAppOptions) {
    installOriginRewrite();
    const appUrl = new URL(options.appUrl ?? 'http://localhost');
    this.api = shopifyApi({
      // A custom-app token is used through an offline session and needs no client credentials; the library
      // still insists on values, which OAuth checks for itself (see OAuthService).
      apiKey: options.apiKey ?? 'custom-app',
      apiSecretKey: options.apiSecret ?? 'custom-app',
      scopes: APP_SCOPES,
      hostName: appUrl.host,
      hostScheme: appUrl.protocol === 'http:' ? 'http' : 'https',
      apiVersion: API_VERSION,
      isEmbeddedApp: false,
      logger: {
        level: LogSeverity.Warning,
        httpRequests: false,
        log: async (_severity, message) => options.log?.(message),
      },
    });
  }

  /** A GraphQL client for the shop, authenticated by its token, its requests sent to the configured origin. */
  graphqlClient(shopDomain: string, accessToken: string) {
    this.route(shopDomain);
    const session = new Session({ id: `offline_${shopDomain}`, shop: shopDomain, state: '', isOnline: false, accessToken });
    return new this.api.clients.Graphql({ session });
  }

  /** Sends the library's requests for that shop to the configured origin (OAuth needs it before the callback). */
  route(shopDomain: string): void {
    if (this.options.apiBaseUrl) shopOrigins.set(shopDomain.toLowerCase(), this.options.apiBaseUrl);
    else shopOrigins.delete(shopDomain.toLowerCase());
  }

  /** `https://{shop}/path` as the configured origin serves it (for redirects the library builds). */
  rewrite(url: string): string {
    return rewriteOrigin(url);
  }
}

/** Shop host → base URL that replaces `https://{shop}`; shops not listed go to Shopify itself. */
const shopOrigins = new Map<string, string>();
let installed = false;

function installOriginRewrite(): void {
  if (installed) return;
  installed = true;
  const send = globalThis.fetch;
  setAbstractFetchFunc((input, init) => {
    if (typeof input === 'string') return send(rewriteOrigin(input), init);
    if (input instanceof URL) return send(rewriteOrigin(input.toString()), init);
    const rewritten = rewriteOrigin(input.url);
    return send(rewritten === input.url ? input : new Request(rewritten, input), init);
  });
}

function rewriteOrigin(url: string): string {
  const match = /^https:\/\/([^/?#]+)(.*)$/s.exec(url);
  const base = match && shopOrigins.get(match[1].toLowerCase());
  return base ? `${base}${match[2]}` : url;
}
