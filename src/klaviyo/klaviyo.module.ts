import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ShopCredentialsRepository } from '../shops/shop-credentials.repository';
import { ShopsModule } from '../shops/shops.module';
import { ShopsRepository } from '../shops/shops.repository';
import { klaviyoClientFactory } from './klaviyo-client';
import { KlaviyoConnectService } from './klaviyo-connect.service';
import { KlaviyoPlanService } from './klaviyo-plan.service';
import { KlaviyoSettingsService } from './klaviyo-settings.service';
import { KlaviyoSyncService } from './klaviyo-sync.service';
import { KlaviyoController } from './klaviyo.controller';

const CLIENTS = Symbol('KLAVIYO_CLIENTS');

/** The Klaviyo destination: connecting a shop, syncing its segment runs, the dry-run plan. */
@Module({
  imports: [ShopsModule],
  controllers: [KlaviyoController],
  providers: [
    { provide: CLIENTS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => klaviyoClientFactory(config.klaviyo.apiBaseUrl) },
    {
      provide: KlaviyoConnectService,
      inject: [ShopsRepository, ShopCredentialsRepository, CLIENTS],
      useFactory: (shops: ShopsRepository, credentials: ShopCredentialsRepository, clients: ReturnType<typeof klaviyoClientFactory>) =>
        new KlaviyoConnectService(shops, credentials, clients),
    },
    {
      provide: KlaviyoSyncService,
      inject: [DataSource, ShopsRepository, ShopCredentialsRepository, CLIENTS, APP_CONFIG],
      useFactory: (
        db: DataSource,
        shops: ShopsRepository,
        credentials: ShopCredentialsRepository,
        clients: ReturnType<typeof klaviyoClientFactory>,
        config: AppConfig,
      ) => new KlaviyoSyncService(db, shops, credentials, clients, config.secretKey),
    },
    {
      provide: KlaviyoSettingsService,
      inject: [DataSource, ShopsRepository],
      useFactory: (db: DataSource, shops: ShopsRepository) => new KlaviyoSettingsService(db, shops),
    },
    {
      provide: KlaviyoPlanService,
      inject: [DataSource, ShopsRepository],
      useFactory: (db: DataSource, shops: ShopsRepository) => new KlaviyoPlanService(db, shops),
    },
  ],
  exports: [KlaviyoSyncService, KlaviyoPlanService, KlaviyoConnectService, KlaviyoSettingsService],
})
export class KlaviyoModule {}
