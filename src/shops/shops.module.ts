import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ShopsRepository } from './shops.repository';

@Module({
  providers: [{ provide: ShopsRepository, inject: [DataSource], useFactory: (db: DataSource) => new ShopsRepository(db) }],
  exports: [ShopsRepository],
})
export class ShopsModule {}
