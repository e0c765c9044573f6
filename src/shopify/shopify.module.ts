import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ShopsModule } from '../shops/shops.module';
import { StoreImportService } from './store-import.service';

@Module({
  imports: [ShopsModule],
  providers: [
    { provide: StoreImportService, inject: [DataSource], useFactory: (db: DataSource) => new StoreImportService(db) },
  ],
  exports: [StoreImportService],
})
export class ShopifyModule {}
