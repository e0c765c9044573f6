/**
 * Webhook subscriptions (webhookSubscriptionCreate / webhookSubscriptions / webhookSubscriptionDelete, with
 * the 2026-10 input `{ uri | callbackUrl, format, filter, includeFields, name }`) and deliveries signed as
 * Shopify signs them: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body with the app's
 * secret, computed here (the fake is the other party; it shares no code with the service's verifier).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { type ConnectionArgs, paginateList } from './connections';
import { dateTime, type FakeContext, type ResolverTable } from './context';
import { ADMIN_API_VERSION } from './schema';
import { gid } from './state';

export interface Subscription {
  id: string;
  topic: string;
  uri: string;
  format: string;
  filter: string | null;
  includeFields: string[];
  name: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryOptions {
  webhookId?: string;
  eventId?: string;
  apiVersion?: string;
  triggeredAt?: Date;
  /** Sign the body, then change it: the signature no longer matches. */
  tamper?: boolean;
  /** Send this exact body instead of JSON.stringify(payload). */
  rawBody?: string;
}

export interface Delivery {
  url: string;
  topic: string;
  webhookId: string;
  status: number;
  /** Time to the response, ms. */
  ms: number;
  body: string;
}

/** ORDERS_CREATE ↔ orders/create. */
export const topicName = (value: string): string => value.toLowerCase().replace('_', '/');
export const topicEnum = (topic: string): string => topic.toUpperCase().replace('/', '_');

export function signature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export class Webhooks {
  private readonly subscriptions = new Map<string, Subscription>();
  private nextId = 1;
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly shopDomain: string,
    private readonly apiSecret: string,
    private readonly clock: () => number,
  ) {}

  list(): Subscription[] {
    return [...this.subscriptions.values()];
  }

  get(id: string): Subscription | undefined {
    return this.subscriptions.get(id);
  }

  create(topicValue: string, input: { uri?: string | null; callbackUrl?: string | null; format?: string | null; filter?: string | null; includeFields?: string[] | null; name?: string | null }) {
    const uri = input.uri ?? input.callbackUrl ?? null;
    if (!uri) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: "Address can't be blank" }] };
    if (!/^(https?:\/\/|pubsub:\/\/|arn:aws:events:)/.test(uri)) {
      return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }] };
    }
    if (this.list().some((s) => s.topic === topicValue && s.uri === uri)) {
      return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address for this topic has already been taken' }] };
    }
    const now = this.clock();
    const subscription: Subscription = {
      id: String(this.nextId++), topic: topicValue, uri, format: input.format ?? 'JSON', filter: input.filter ?? null,
      includeFields: input.includeFields ?? [], name: input.name ?? null, createdAt: now, updatedAt: now,
    };
    this.subscriptions.set(subscription.id, subscription);
    return { webhookSubscription: view(subscription), userErrors: [] };
  }

  delete(id: string) {
    if (!this.subscriptions.delete(id)) {
      return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
    }
    return { deletedWebhookSubscriptionId: gid('WebhookSubscription', id), userErrors: [] };
  }

  /** POSTs the payload to every subscription of the topic (e.g. 'orders/updated'); one Delivery each. */
  async deliver(topic: string, payload: unknown, options: DeliveryOptions = {}): Promise<Delivery[]> {
    const targets = this.list().filter((s) => s.topic === topicEnum(topic));
    const webhookId = options.webhookId;
    return Promise.all(targets.map((s) => this.deliverTo(s.uri, topic, payload, { ...options, webhookId })));
  }

  /** POSTs one signed delivery to a URL (compliance topics are configured in the app, not subscribed). */
  async deliverTo(url: string, topic: string, payload: unknown, options: DeliveryOptions = {}): Promise<Delivery> {
    const body = options.rawBody ?? JSON.stringify(payload);
    const hmac = signature(this.apiSecret, body);
    const sent = options.tamper ? tampered(body) : body;
    const webhookId = options.webhookId ?? randomUUID();
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      body: sent,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Shopify-Captain-Hook',
        'X-Shopify-Topic': topic,
        'X-Shopify-Hmac-Sha256': hmac,
        'X-Shopify-Shop-Domain': this.shopDomain,
        'X-Shopify-Webhook-Id': webhookId,
        'X-Shopify-Event-Id': options.eventId ?? randomUUID(),
        'X-Shopify-API-Version': options.apiVersion ?? ADMIN_API_VERSION,
        'X-Shopify-Triggered-At': (options.triggeredAt ?? new Date(this.clock())).toISOString(),
      },
    });
    const text = await response.text();
    const delivery = { url, topic, webhookId, status: response.status, ms: performance.now() - started, body: text };
    this.deliveries.push(delivery);
    return delivery;
  }
}

/** The body with one character changed (same length, still JSON-ish): a forged or corrupted delivery. */
function tampered(body: string): string {
  const i = Math.max(0, body.search(/[0-9]/));
  const c = body[i] === '9' ? '8' : body[i] >= '0' && body[i] <= '8' ? String(Number(body[i]) + 1) : ' ';
  return body.slice(0, i) + c + body.slice(i + 1);
}

function view(s: Subscription) {
  return {
    __typename: 'WebhookSubscription',
    id: gid('WebhookSubscription', s.id),
    legacyResourceId: s.id,
    topic: s.topic,
    uri: s.uri,
    callbackUrl: s.uri,
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: s.uri },
    format: s.format,
    filter: s.filter,
    includeFields: s.includeFields,
    name: s.name,
    apiVersion: { handle: ADMIN_API_VERSION, displayName: ADMIN_API_VERSION, supported: true },
    createdAt: dateTime(s.createdAt),
    updatedAt: dateTime(s.updatedAt),
  };
}

type ListArgs = ConnectionArgs & { topics?: string[] | null; uri?: string | null; callbackUrl?: string | null; format?: string | null };

export function webhookResolvers(webhooks: () => Webhooks): ResolverTable {
  const idOf = (value: string): string => value.split('/').pop() ?? '';
  return {
    Mutation: {
      webhookSubscriptionCreate: (_s, args: { topic: string; webhookSubscription: Record<string, never> }) =>
        webhooks().create(args.topic, args.webhookSubscription),
      webhookSubscriptionDelete: (_s, args: { id: string }) => webhooks().delete(idOf(args.id)),
    },
    QueryRoot: {
      webhookSubscriptions: (_s, args: ListArgs, _ctx: FakeContext) => {
        const uri = args.uri ?? args.callbackUrl;
        const matching = webhooks().list().filter((s) =>
          (!args.topics || args.topics.includes(s.topic)) && (!uri || s.uri === uri) && (!args.format || s.format === args.format));
        return paginateList(matching.map(view), args);
      },
      webhookSubscription: (_s, args: { id: string }) => {
        const s = webhooks().get(idOf(args.id));
        return s ? view(s) : null;
      },
    },
  };
}

export function lookupSubscription(webhooks: Webhooks, id: string): unknown {
  const s = webhooks.get(id);
  return s ? view(s) : null;
}
