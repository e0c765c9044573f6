import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ShopsModule } from '../shops/shops.module';
import { ShopsRepository } from '../shops/shops.repository';
import { SegmentReportsService } from './segment-reports.service';
import { SegmentRunService } from './segment-run.service';
import { SegmentRunsController } from './segment-runs.controller';
import { SavedSegmentsService } from './saved-segments.service';
import { SegmentsController } from './segments.controller';
import { SettingsController } from './settings.controller';
import { ShopSettingsService } from './shop-settings.service';

@Module({
  imports: [ShopsModule],
  controllers: [SegmentRunsController, SegmentsController, SettingsController],
  providers: [
    {
      provide: SegmentRunService,
      inject: [DataSource, ShopsRepository, APP_CONFIG],
      useFactory: (db: DataSource, shops: ShopsRepository, config: AppConfig) =>
        new SegmentRunService(db, shops, config.clusterSeed, config.databaseUrl === null),
    },
    {
      provide: ShopSettingsService,
      inject: [ShopsRepository],
      useFactory: (shops: ShopsRepository) => new ShopSettingsService(shops),
    },
    {
      provide: SavedSegmentsService,
      inject: [DataSource, ShopsRepository],
      useFactory: (db: DataSource, shops: ShopsRepository) => new SavedSegmentsService(db, shops),
    },
    {
      provide: SegmentReportsService,
      inject: [DataSource, ShopsRepository],
      useFactory: (db: DataSource, shops: ShopsRepository) => new SegmentReportsService(db, shops),
    },
  ],
  exports: [SegmentRunService, SegmentReportsService, SavedSegmentsService],
})
export class SegmentationModule {}
