import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { asHttpAnswer } from '../shopify/admin/http-answers';
import { ShopConnectionService } from '../shopify/admin/shop-connection.service';

/** Connecting a shop over HTTP: POST /shops {"domain": "...", "token": "shpat_..."}; the token is never echoed. */
@Controller('shops')
export class ShopsController {
  constructor(@Inject(ShopConnectionService) private readonly connections: ShopConnectionService) {}

  @Post()
  @HttpCode(201)
  async connect(@Body() body: { domain?: unknown; token?: unknown }) {
    const { shop, scopes } = await this.connections
      .connect(typeof body?.domain === 'string' ? body.domain : '', typeof body?.token === 'string' ? body.token : '')
      .catch((error) => Promise.reject(asHttpAnswer(error)));
    return { domain: shop.domain, name: shop.name, currency: shop.currency, timezone: shop.timezone, scopes };
  }
}
