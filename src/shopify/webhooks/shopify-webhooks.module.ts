import { Inject, Logger, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { CredentialCipher } from '../../shops/credential-cipher';
import { ShopsModule } from '../../shops/shops.module';
import { ShopsRepository } from '../../shops/shops.repository';
import { AdminClients } from '../admin/admin-clients';
import { ShopifyAdminModule } from '../admin/shopify-admin.module';
import { CustomerDataRequestsService } from '../compliance/customer-data-requests.service';
import { InboxWriter } from './inbox-writer';
import { WebhookInboxRepository } from './webhook-inbox.repository';
import { WebhookIntake } from './webhook-intake';
import { WebhookRegistrationService } from './webhook-registration.service';
import { WebhookWorker } from './webhook-worker';
import { ShopifyWebhooksController } from './webhooks.controller';

/**
 * Shopify webhooks and privacy compliance: the intake endpoint, the inbox worker (started by the HTTP
 * service, see main.ts), registration, and data requests.
 */
@Module({
  imports: [ShopsModule, ShopifyAdminModule],
  controllers: [ShopifyWebhooksController],
  providers: [
    { provide: WebhookInboxRepository, inject: [DataSource], useFactory: (db: DataSource) => new WebhookInboxRepository(db) },
    {
      provide: WebhookWorker,
      inject: [DataSource, APP_CONFIG],
      useFactory: (db: DataSource, config: AppConfig) => {
        const logger = new Logger('webhooks');
        return new WebhookWorker(db, config.secretKey ? new CredentialCipher(config.secretKey) : null, {
          log: { warn: (message) => logger.warn(message), error: (message) => logger.error(message) },
        });
      },
    },
    {
      provide: WebhookIntake,
      inject: [WebhookInboxRepository, WebhookWorker, APP_CONFIG],
      useFactory: (inbox: WebhookInboxRepository, worker: WebhookWorker, config: AppConfig) =>
        new WebhookIntake(new InboxWriter(inbox), config.shopify.apiSecret, () => worker.wake()),
    },
    {
      provide: WebhookRegistrationService,
      inject: [ShopsRepository, AdminClients, APP_CONFIG],
      useFactory: (shops: ShopsRepository, clients: AdminClients, config: AppConfig) =>
        new WebhookRegistrationService(shops, clients, config.shopify.appUrl),
    },
    {
      provide: CustomerDataRequestsService,
      inject: [DataSource, ShopsRepository],
      useFactory: (db: DataSource, shops: ShopsRepository) => new CustomerDataRequestsService(db, shops),
    },
  ],
  exports: [WebhookRegistrationService, WebhookWorker, WebhookInboxRepository, CustomerDataRequestsService],
})
export class ShopifyWebhooksModule implements BeforeApplicationShutdown {
  constructor(@Inject(WebhookWorker) private readonly worker: WebhookWorker) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
