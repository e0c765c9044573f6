import type { AdminApiClient } from '../admin/admin-api-client';
import { graphqlTopic, STORE_TOPICS, type StoreTopic } from '../core/webhook-topics';

export const WEBHOOK_SUBSCRIPTIONS = `query WebhookSubscriptions($uri: String!, $after: String) {
  webhookSubscriptions(first: 100, uri: $uri, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CREATE_WEBHOOK_SUBSCRIPTION = `mutation CreateWebhookSubscription($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

/** Every GraphQL document webhook registration sends (checked against the Admin schema in tests). */
export const REGISTRATION_DOCUMENTS = [WEBHOOK_SUBSCRIPTIONS, CREATE_WEBHOOK_SUBSCRIPTION];

export interface RegistrationResult {
  callbackUrl: string;
  created: StoreTopic[];
  existing: StoreTopic[];
}

export class WebhookRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRegistrationError';
  }
}

/** Where Shopify delivers: the service's public address (SHOPIFY_APP_URL) and the one webhook route. */
export function webhookCallbackUrl(appUrl: string | null): string {
  if (!appUrl) {
    throw new WebhookRegistrationError(
      'SHOPIFY_APP_URL is not set: Shopify needs the public address of this service to deliver webhooks to (e.g. https://sync.example.com)',
    );
  }
  return `${appUrl.replace(/\/+$/, '')}/webhooks/shopify`;
}

/**
 * Subscribes the shop to every store topic at the callback URL, idempotently: the subscriptions that already
 * point there are listed first and only the missing topics are created, so running it again changes nothing.
 */
export async function registerWebhooks(client: AdminApiClient, shopDomain: string, callbackUrl: string): Promise<RegistrationResult> {
  const present = new Set<string>();
  let after: string | null = null;
  do {
    const data: any = await client.query(WEBHOOK_SUBSCRIPTIONS, { uri: callbackUrl, after });
    const page = data.webhookSubscriptions;
    for (const node of page.nodes) if (node.uri === callbackUrl) present.add(node.topic);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  const result: RegistrationResult = { callbackUrl, created: [], existing: [] };
  for (const topic of STORE_TOPICS) {
    if (present.has(graphqlTopic(topic))) {
      result.existing.push(topic);
      continue;
    }
    const data: any = await client.query(CREATE_WEBHOOK_SUBSCRIPTION, {
      topic: graphqlTopic(topic),
      webhookSubscription: { uri: callbackUrl, format: 'JSON' },
    });
    const errors: { field: string[] | null; message: string }[] = data.webhookSubscriptionCreate.userErrors ?? [];
    if (errors.length > 0) {
      throw new WebhookRegistrationError(
        `Shopify refused the ${topic} webhook for ${shopDomain}: ${errors.map((error) => error.message).join('; ')}`,
      );
    }
    result.created.push(topic);
  }
  return result;
}
