/**
 * The OAuth authorization-code grant as Shopify runs it for a public app:
 * - GET /admin/oauth/authorize?client_id&scope&redirect_uri&state[&grant_options[]] is the merchant
 *   approving the install: a 302 to redirect_uri with code, host, shop, state, timestamp and hmac (hex
 *   HMAC-SHA256, with the app's secret, of the other parameters sorted by name and URL-encoded);
 * - POST /admin/oauth/access_token { client_id, client_secret, code } (JSON or form) answers
 *   { access_token, scope } once per code; the token then works on the GraphQL endpoint with those scopes.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface OAuthAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export class OAuthServer {
  private readonly codes = new Map<string, string[]>();

  constructor(
    private readonly shop: string,
    private readonly apiKey: string,
    private readonly apiSecret: string,
    /** Called with each issued token and its scopes. */
    private readonly issue: (token: string, scopes: string[]) => void,
    private readonly clock: () => number,
  ) {}

  authorize(query: URLSearchParams): OAuthAnswer {
    const clientId = query.get('client_id');
    const redirectUri = query.get('redirect_uri');
    if (clientId !== this.apiKey) return { status: 400, body: { error: 'invalid_request', error_description: `Invalid client_id: ${clientId}` } };
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'The redirect_uri is missing or not a URL' } };
    }
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, (query.get('scope') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${this.shop.replace('.myshopify.com', '')}`).toString('base64url'),
      shop: this.shop,
      state: query.get('state') ?? '',
      timestamp: String(Math.floor(this.clock() / 1000)),
    };
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    target.searchParams.set('hmac', oauthHmac(this.apiSecret, params));
    return { status: 302, headers: { Location: target.toString() } };
  }

  accessToken(body: Record<string, unknown>): OAuthAnswer {
    if (body.client_id !== this.apiKey || body.client_secret !== this.apiSecret) {
      return { status: 400, body: { error: 'invalid_client', error_description: 'Client credentials are invalid' } };
    }
    const scopes = this.codes.get(String(body.code));
    if (!scopes) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' } };
    }
    this.codes.delete(String(body.code));
    const token = `shpat_${randomBytes(16).toString('hex')}`;
    this.issue(token, scopes);
    return { status: 200, body: { access_token: token, scope: scopes.join(',') } };
  }
}

/** Shopify's query-string signature: parameters sorted by name, URL-encoded (spaces as %20), hex HMAC. */
export function oauthHmac(secret: string, params: Record<string, string>): string {
  const sorted = new URLSearchParams(Object.keys(params).sort().map((k): [string, string] => [k, params[k]]));
  return createHmac('sha256', secret).update(sorted.toString().replace(/\+/g, '%20')).digest('hex');
}
