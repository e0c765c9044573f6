import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SegmentationModule } from '../segmentation/segmentation.module';
import { SegmentRunService } from '../segmentation/segment-run.service';
import { ShopsModule } from '../shops/shops.module';
import { ShopsRepository } from '../shops/shops.repository';
import { DemoService } from './demo.service';

@Module({
  imports: [ShopsModule, SegmentationModule],
  providers: [
    {
      provide: DemoService,
      inject: [DataSource, ShopsRepository, SegmentRunService],
      useFactory: (db: DataSource, shops: ShopsRepository, runs: SegmentRunService) => new DemoService(db, shops, runs),
    },
  ],
  exports: [DemoService],
})
export class DemoModule {}
