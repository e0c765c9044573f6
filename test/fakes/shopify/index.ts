/** The fake Shopify Admin API: start one per test (see README.md). */
export { ALL_SCOPES, FakeShopify, type FakeShopifyOptions } from './server';
export type { Fault, Route } from './faults';
export type { BulkOutcome, BulkOptions } from './bulk-operations';
export type { Delivery, DeliveryOptions } from './webhooks';
export { signature as webhookSignature } from './webhooks';
export { oauthHmac } from './oauth';
export { ADMIN_API_VERSION, adminSchema } from './schema';
export type { PayloadTopic } from './payloads';
export type { SeedInput, CustomerChange, OrderChange } from './seed';
export { fetchRoutedTo } from './routing';
export { startFakeShopifyProcess, type FakeShopifyProcess } from './process';
