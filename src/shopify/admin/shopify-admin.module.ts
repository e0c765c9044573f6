import { Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ShopCredentialsRepository } from '../../shops/shop-credentials.repository';
import { ShopsController } from '../../shops/shops.controller';
import { ShopsModule } from '../../shops/shops.module';
import { ShopsRepository } from '../../shops/shops.repository';
import { ShopifyImportService } from '../sync/shopify-import.service';
import { AdminClients } from './admin-clients';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { ShopConnectionService } from './shop-connection.service';
import { ShopifyApp } from './shopify-app';

/**
 * The Shopify Admin API side: the configured library, clients per connected shop (exported: webhook
 * registration uses them), connecting shops by token or OAuth, and the import.
 */
@Module({
  imports: [ShopsModule],
  controllers: [ShopsController, OAuthController],
  providers: [
    {
      provide: ShopifyApp,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('Shopify');
        return new ShopifyApp({ ...config.shopify, log: (message) => logger.warn(message) });
      },
    },
    {
      provide: AdminClients,
      inject: [ShopifyApp, ShopCredentialsRepository],
      useFactory: (app: ShopifyApp, credentials: ShopCredentialsRepository) => new AdminClients(app, credentials),
    },
    {
      provide: ShopConnectionService,
      inject: [DataSource, AdminClients, APP_CONFIG],
      useFactory: (db: DataSource, clients: AdminClients, config: AppConfig) => new ShopConnectionService(db, clients, config.secretKey),
    },
    {
      provide: OAuthService,
      inject: [ShopifyApp, ShopConnectionService],
      useFactory: (app: ShopifyApp, connections: ShopConnectionService) => new OAuthService(app, connections),
    },
    {
      provide: ShopifyImportService,
      inject: [DataSource, ShopsRepository, AdminClients],
      useFactory: (db: DataSource, shops: ShopsRepository, clients: AdminClients) => new ShopifyImportService(db, shops, clients),
    },
  ],
  exports: [ShopifyApp, AdminClients, ShopConnectionService, ShopifyImportService],
})
export class ShopifyAdminModule {}
