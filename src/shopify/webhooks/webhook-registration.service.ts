import type { AdminClients } from '../admin/admin-clients';
import type { ShopRecord, ShopsRepository } from '../../shops/shops.repository';
import { registerWebhooks, webhookCallbackUrl, type RegistrationResult } from './webhook-registration';

/**
 * Registers a shop's webhooks through its Admin API client. Call `registerShop` after a shop connects;
 * `register(domain)` serves the command line.
 */
export class WebhookRegistrationService {
  constructor(
    private readonly shops: ShopsRepository,
    private readonly clients: AdminClients,
    private readonly appUrl: string | null,
  ) {}

  async register(domain: string | null): Promise<RegistrationResult & { shop: string }> {
    const shop = await this.shops.resolve(domain);
    return { shop: shop.domain, ...(await this.registerShop(shop)) };
  }

  async registerShop(shop: Pick<ShopRecord, 'id' | 'domain'>): Promise<RegistrationResult> {
    const callbackUrl = webhookCallbackUrl(this.appUrl);
    return registerWebhooks(await this.clients.forShop(shop), shop.domain, callbackUrl);
  }
}
