/**
 * A fetch that sends `https://{shop}/…` to the fake of that shop, and anything else to the real fetch: hand
 * it to `@shopify/admin-api-client` as `customFetchApi`, or to `@shopify/shopify-api` through
 * `setAbstractFetchFunc` (from '@shopify/shopify-api/runtime', before creating clients).
 */
export interface Routable {
  shop: string;
  baseUrl: string;
}

export function fetchRoutedTo(...fakes: Routable[]): typeof fetch {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const fake = fakes.find((f) => f.shop === url.host);
    if (!fake) return fetch(input, init);
    return fetch(`${fake.baseUrl}${url.pathname}${url.search}`, typeof input === 'object' && !(input instanceof URL) ? { method: input.method, headers: input.headers, body: input.body, ...init } : init);
  };
}
