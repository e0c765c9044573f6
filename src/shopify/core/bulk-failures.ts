/**
 * What a failed or refused import means, in the merchant's words: which data, why, and what to do. Pure:
 * the adapters classify the failure, this turns it into a sentence.
 */
export type ShopifyResource = 'customers' | 'orders' | 'checkouts';

const NOUNS: Record<ShopifyResource, string> = {
  customers: 'customers',
  orders: 'orders',
  checkouts: 'abandoned checkouts',
};

/**
 * The access scopes each resource needs: abandoned checkouts are read under read_orders, and orders older
 * than 60 days need read_all_orders as well (without it Shopify silently returns only recent orders).
 */
export const REQUIRED_SCOPES: Record<ShopifyResource, string[]> = {
  customers: ['read_customers'],
  orders: ['read_orders', 'read_all_orders'],
  checkouts: ['read_orders'],
};

export function resourceNoun(resource: ShopifyResource): string {
  return NOUNS[resource];
}

/** The scopes a resource needs that the grant lacks (write_x implies read_x). */
export function missingScopes(resource: ShopifyResource, granted: string[]): string[] {
  const have = new Set(granted.flatMap((scope) => [scope, scope.replace(/^write_/, 'read_')]));
  return REQUIRED_SCOPES[resource].filter((scope) => !have.has(scope));
}

export function missingScopeMessage(resource: ShopifyResource, missing: string[]): string {
  const list = missing.length > 0 ? missing : REQUIRED_SCOPES[resource];
  const scopes = `the ${list.join(' and ')} scope${list.length > 1 ? 's' : ''}`;
  const why = list.includes('read_all_orders') ? ' to read orders older than 60 days' : ` to read ${NOUNS[resource]}`;
  return (
    `Shopify refused access to ${NOUNS[resource]}: the app needs ${scopes}${why}; ` +
    `reinstall the app (or edit the custom app's Admin API scopes) with ${list.length > 1 ? 'them' : 'it'}`
  );
}

/** A bulk operation that ended without a file: status and error code as Shopify reports them. */
export function bulkFailureMessage(
  resource: ShopifyResource,
  status: string,
  errorCode: string | null,
  granted: string[] | null = null,
): string {
  const noun = NOUNS[resource];
  if (status === 'FAILED' && errorCode === 'ACCESS_DENIED') {
    return missingScopeMessage(resource, granted ? missingScopes(resource, granted) : []);
  }
  if (status === 'FAILED' && errorCode === 'TIMEOUT') {
    return `Shopify gave up exporting ${noun}: the export took too long on Shopify's side. Nothing was imported; try again later`;
  }
  if (status === 'FAILED') {
    return `Shopify failed while exporting ${noun} (an internal error on Shopify's side${errorCode && errorCode !== 'INTERNAL_SERVER_ERROR' ? `, ${errorCode}` : ''}). Nothing was imported; try again later`;
  }
  if (status === 'EXPIRED') {
    return `Shopify's export of ${noun} expired before it could be downloaded. Nothing was imported; run the import again`;
  }
  if (status === 'CANCELED' || status === 'CANCELING') {
    return `The export of ${noun} was cancelled in Shopify. Nothing was imported; run the import again`;
  }
  return `Shopify's export of ${noun} ended as ${status}. Nothing was imported`;
}

/** Orders are read for the last ten years (the domain's eligibility window), from the start of that UTC day. */
export function orderHistoryStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear() - 10, now.getUTCMonth(), now.getUTCDate()));
}

/** Shopify's search syntax for "created in the order history window". */
export function orderHistoryFilter(now: Date): string {
  return `created_at:>='${orderHistoryStart(now).toISOString()}'`;
}
