import { isValidWebhookSignature } from '../core/webhook-signature';
import { isWebhookTopic } from '../core/webhook-topics';
import type { InboxStore } from './inbox-writer';

/** The headers Shopify sends with every webhook, as received (any may be missing). */
export interface WebhookHeaders {
  topic?: string;
  shopDomain?: string;
  webhookId?: string;
  hmac?: string;
  triggeredAt?: string;
}

export interface IntakeAnswer {
  status: 200 | 400 | 401 | 404;
  outcome: 'accepted' | 'duplicate' | 'ignored' | 'unauthorized' | 'unknown-shop' | 'malformed';
  message?: string;
}

/**
 * The request path of a webhook, kept short so Shopify gets its answer fast: verify the signature over the
 * raw body, store the delivery in the inbox in one statement, wake the worker, answer. Nothing is applied
 * here; nothing is written for a delivery that fails a check.
 */
export class WebhookIntake {
  constructor(
    private readonly inbox: InboxStore,
    private readonly secret: string | null,
    private readonly wake: () => void,
  ) {}

  /**
   * `parsed` is the body as the HTTP layer already parsed it, when it did (saves parsing it twice); the raw
   * bytes remain what the signature is checked against and what is stored.
   */
  async receive(headers: WebhookHeaders, rawBody: Buffer, parsed?: unknown): Promise<IntakeAnswer> {
    if (!this.secret) {
      return { status: 401, outcome: 'unauthorized', message: 'SHOPIFY_API_SECRET is not set: webhooks cannot be verified' };
    }
    if (!isValidWebhookSignature(this.secret, rawBody, headers.hmac)) {
      return { status: 401, outcome: 'unauthorized', message: 'X-Shopify-Hmac-Sha256 does not match the body' };
    }
    const topic = headers.topic?.trim().toLowerCase();
    const shopDomain = headers.shopDomain?.trim().toLowerCase();
    const webhookId = headers.webhookId?.trim();
    if (!topic || !shopDomain || !webhookId) {
      return {
        status: 400,
        outcome: 'malformed',
        message: 'X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Webhook-Id are required',
      };
    }
    // A topic the service never subscribed to is acknowledged, so Shopify does not retry it, and dropped.
    if (!isWebhookTopic(topic)) return { status: 200, outcome: 'ignored' };
    const body = rawBody.toString('utf8');
    if (!(parsed === undefined ? isJsonObject(body) : isObject(parsed))) return { status: 400, outcome: 'malformed', message: 'the body is not a JSON object' };
    const triggeredAt = headers.triggeredAt ? new Date(headers.triggeredAt) : null;
    const outcome = await this.inbox.insert({
      webhookId,
      topic,
      shopDomain,
      body,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
    });
    if (outcome === 'unknown-shop') return { status: 404, outcome, message: `no shop ${shopDomain} here` };
    if (outcome === 'accepted') this.wake();
    return { status: 200, outcome };
  }
}

function isJsonObject(text: string): boolean {
  try {
    return isObject(JSON.parse(text));
  } catch {
    return false;
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
