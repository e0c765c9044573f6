/** The Shopify webhook topics the service subscribes to, in REST spelling (`orders/create`). */
export const STORE_TOPICS = [
  'orders/create',
  'orders/paid',
  'orders/updated',
  'orders/cancelled',
  'refunds/create',
  'customers/create',
  'customers/update',
  'customers/delete',
  'checkouts/create',
  'checkouts/update',
  'app/uninstalled',
] as const;

/**
 * Privacy compliance topics: mandatory for public apps, configured in the app's settings (not through the
 * API), and delivered to the same endpoint.
 */
export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

export type StoreTopic = (typeof STORE_TOPICS)[number];
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
export type WebhookTopic = StoreTopic | ComplianceTopic;

const ALL: readonly string[] = [...STORE_TOPICS, ...COMPLIANCE_TOPICS];

export function isWebhookTopic(topic: string): topic is WebhookTopic {
  return ALL.includes(topic);
}

/** `orders/create` → `ORDERS_CREATE`, the GraphQL WebhookSubscriptionTopic enum value. */
export function graphqlTopic(topic: StoreTopic): string {
  return topic.replace('/', '_').toUpperCase();
}
