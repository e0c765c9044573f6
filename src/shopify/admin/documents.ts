/**
 * Every GraphQL document the connector sends to the Admin API (version 2026-10). The node selections are
 * shared by the bulk queries and the paginated ones, so both paths read the same fields; the shapes are
 * typed in ../core/records.ts. Tests validate each document against the published schema.
 */

const CUSTOMER_FIELDS = `
  id firstName lastName tags createdAt updatedAt
  defaultEmailAddress { emailAddress marketingState }
  defaultPhoneNumber { phoneNumber smsMarketingConsent { state } }
  defaultAddress { countryCodeV2 provinceCode }`;

const ORDER_FIELDS = `
  id name email createdAt updatedAt cancelledAt displayFinancialStatus currencyCode discountCodes
  subtotalPriceSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount } }
  totalRefundedSet { shopMoney { amount } }
  customer { id }
  shippingAddress { countryCodeV2 }`;

const LINE_ITEM_FIELDS = `
  id title sku quantity
  originalUnitPriceSet { shopMoney { amount } }
  totalDiscountSet { shopMoney { amount } }
  product { id productType }
  variant { compareAtPrice }`;

const CHECKOUT_FIELDS = `
  id createdAt updatedAt completedAt abandonedCheckoutUrl
  totalPriceSet { shopMoney { amount currencyCode } }
  customer { id defaultEmailAddress { emailAddress } }`;

const CHECKOUT_LINE_FIELDS = `id quantity product { productType }`;

/** The shop's own details, and the scopes the token was granted: checked when a shop is connected. */
export const SHOP_DETAILS = `query ShopDetails {
  shop { name myshopifyDomain currencyCode ianaTimezone }
  currentAppInstallation { accessScopes { handle } }
}`;

export const RUN_BULK_QUERY = `mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status createdAt }
    userErrors { field message code }
  }
}`;

export const BULK_OPERATION = `query BulkOperation($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl }
  }
}`;

/** The bulk queries: the search filter is inlined because a bulk query takes no variables. */
export function bulkCustomersQuery(): string {
  return `{ customers { edges { node { ${CUSTOMER_FIELDS} } } } }`;
}

export function bulkOrdersQuery(search: string): string {
  return `{ orders(query: ${JSON.stringify(search)}) { edges { node { ${ORDER_FIELDS}
    lineItems { edges { node { ${LINE_ITEM_FIELDS} } } } } } } }`;
}

export function bulkCheckoutsQuery(): string {
  return `{ abandonedCheckouts { edges { node { ${CHECKOUT_FIELDS}
    lineItems { edges { node { ${CHECKOUT_LINE_FIELDS} } } } } } } }`;
}

/**
 * Page sizes that keep each query under Shopify's 1,000-point cap for a single query. A connection costs
 * 2 + first × (1 + its node's objects); a MoneyBag costs 2. A customer costs 5 (180 → 902); an order 11 plus
 * its lines at 7 each (8 orders × 12 lines → 778); a checkout 5 plus 2 per line (25 × 15 → 927). Longer
 * orders and checkouts fetch their remaining lines with a follow-up query.
 */
export const PAGE_SIZES = {
  customers: 180,
  orders: 8,
  orderLines: 12,
  moreOrderLines: 100,
  checkouts: 25,
  checkoutLines: 15,
  moreCheckoutLines: 250,
} as const;

export const CUSTOMERS_PAGE = `query CustomersPage($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    edges { node { ${CUSTOMER_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const ORDERS_PAGE = `query OrdersPage($first: Int!, $after: String, $query: String, $lines: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    edges { node { ${ORDER_FIELDS}
      lineItems(first: $lines) { edges { node { ${LINE_ITEM_FIELDS} } } pageInfo { hasNextPage endCursor } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The rest of a long order's lines, when the first page of them did not hold them all. */
export const ORDER_LINES_PAGE = `query OrderLinesPage($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    lineItems(first: $first, after: $after) { edges { node { ${LINE_ITEM_FIELDS} } } pageInfo { hasNextPage endCursor } }
  }
}`;

/** Abandoned checkouts cannot be sorted by update time: the filter selects them, ids order the pages. */
export const CHECKOUTS_PAGE = `query CheckoutsPage($first: Int!, $after: String, $query: String, $lines: Int!) {
  abandonedCheckouts(first: $first, after: $after, query: $query, sortKey: ID) {
    edges { node { ${CHECKOUT_FIELDS}
      lineItems(first: $lines) { edges { node { ${CHECKOUT_LINE_FIELDS} } } pageInfo { hasNextPage endCursor } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CHECKOUT_LINES_PAGE = `query CheckoutLinesPage($id: ID!, $first: Int!, $after: String) {
  node(id: $id) {
    ... on AbandonedCheckout {
      lineItems(first: $first, after: $after) { edges { node { ${CHECKOUT_LINE_FIELDS} } } pageInfo { hasNextPage endCursor } }
    }
  }
}`;

/** Every document with sample arguments: what the contract test validates. */
export function allDocuments(): string[] {
  return [
    SHOP_DETAILS,
    RUN_BULK_QUERY,
    BULK_OPERATION,
    bulkCustomersQuery(),
    bulkOrdersQuery("created_at:>='2016-11-27T00:00:00Z'"),
    bulkCheckoutsQuery(),
    CUSTOMERS_PAGE,
    ORDERS_PAGE,
    ORDER_LINES_PAGE,
    CHECKOUTS_PAGE,
    CHECKOUT_LINES_PAGE,
  ];
}
