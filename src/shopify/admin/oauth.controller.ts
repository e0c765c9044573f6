import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { asHttpAnswer } from './http-answers';
import { OAuthService } from './oauth.service';

/** The public app's install flow: GET /shopify/auth?shop=... then Shopify calls back. */
@Controller('shopify/auth')
export class OAuthController {
  constructor(@Inject(OAuthService) private readonly oauth: OAuthService) {}

  @Get()
  async begin(@Query('shop') shop: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.oauth.begin(shop, request, response).catch((error) => Promise.reject(asHttpAnswer(error)));
  }

  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const { shop, scopes } = await this.oauth
      .callback(request, response)
      .catch((error) => Promise.reject(asHttpAnswer(error)));
    response.status(200).type('application/json').send(
      JSON.stringify({ connected: shop.domain, name: shop.name, currency: shop.currency, timezone: shop.timezone, scopes }),
    );
  }
}
