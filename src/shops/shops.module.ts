import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ShopCredentialsRepository } from './shop-credentials.repository';
import { ShopsRepository } from './shops.repository';

@Module({
  providers: [
    { provide: ShopsRepository, inject: [DataSource], useFactory: (db: DataSource) => new ShopsRepository(db) },
    {
      provide: ShopCredentialsRepository,
      inject: [DataSource, APP_CONFIG],
      // Checked at start: stored credentials with a missing or wrong key stop the application here.
      useFactory: async (db: DataSource, config: AppConfig) => {
        const credentials = new ShopCredentialsRepository(db, config.secretKey);
        await credentials.verifyKey();
        return credentials;
      },
    },
  ],
  exports: [ShopsRepository, ShopCredentialsRepository],
})
export class ShopsModule {}
