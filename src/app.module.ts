import { Module } from '@nestjs/common';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HealthController } from './health.controller';
import { KlaviyoModule } from './klaviyo/klaviyo.module';
import { SegmentationModule } from './segmentation/segmentation.module';
import { ShopifyAdminModule } from './shopify/admin/shopify-admin.module';
import { ShopifyModule } from './shopify/shopify.module';
import { ShopifyWebhooksModule } from './shopify/webhooks/shopify-webhooks.module';
import { ShopsModule } from './shops/shops.module';

@Module({
  imports: [ConfigModule, DatabaseModule, ShopsModule, ShopifyModule, ShopifyAdminModule, ShopifyWebhooksModule, SegmentationModule, KlaviyoModule, DemoModule],
  controllers: [HealthController],
})
export class AppModule {}
