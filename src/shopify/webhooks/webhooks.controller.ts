import { Controller, Get, Headers, Inject, InternalServerErrorException, Post, Req, Res } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request, Response } from 'express';
import { WebhookInboxRepository } from './webhook-inbox.repository';
import { WebhookIntake } from './webhook-intake';

/**
 * `POST /webhooks/shopify`: every topic, the compliance ones included, on one endpoint. Needs the raw body
 * (NestFactory.create with `rawBody: true`): the signature covers the bytes as sent, not re-serialised JSON.
 */
@Controller('webhooks')
export class ShopifyWebhooksController {
  constructor(
    @Inject(WebhookIntake) private readonly intake: WebhookIntake,
    @Inject(WebhookInboxRepository) private readonly inbox: WebhookInboxRepository,
  ) {}

  /** Deliveries by status (pending, applied, failed, redacted): for monitoring; no payloads, no shops. */
  @Get('shopify/inbox')
  counts(): Promise<Record<string, number>> {
    return this.inbox.counts();
  }

  @Post('shopify')
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers() headers: Record<string, string | undefined>,
    @Res() response: Response,
  ): Promise<void> {
    if (!request.rawBody) {
      throw new InternalServerErrorException('the raw request body is not available: the application must be created with rawBody: true');
    }
    const answer = await this.intake.receive(
      {
        topic: headers['x-shopify-topic'],
        shopDomain: headers['x-shopify-shop-domain'],
        webhookId: headers['x-shopify-webhook-id'],
        hmac: headers['x-shopify-hmac-sha256'],
        triggeredAt: headers['x-shopify-triggered-at'],
      },
      request.rawBody,
      // express parsed JSON bodies already (an empty object when it did not parse this one).
      request.is('application/json') ? request.body : undefined,
    );
    // Written directly: the shortest path back to Shopify (no ETag hashing of a two-line answer).
    response.status(answer.status).type('application/json').end(JSON.stringify(answer));
  }
}
