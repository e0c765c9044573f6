import { Controller, Get, Inject } from '@nestjs/common';
import { Database } from './database/database';

@Controller('health')
export class HealthController {
  constructor(@Inject(Database) private readonly database: Database) {}

  @Get()
  async health(): Promise<{ status: 'ok'; database: 'embedded' | 'postgres' }> {
    await this.database.dataSource.query('SELECT 1');
    return { status: 'ok', database: this.database.isEmbedded ? 'embedded' : 'postgres' };
  }
}
