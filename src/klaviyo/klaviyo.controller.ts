import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import type { SyncPlan } from './core/sync-plan';
import { InvalidKlaviyoKeyError, KlaviyoConnectService, KlaviyoKeyRejectedError, KlaviyoNotConnectedError } from './klaviyo-connect.service';
import { KlaviyoPlanService } from './klaviyo-plan.service';
import { KlaviyoSyncService, type SyncReport } from './klaviyo-sync.service';

/** A shop's Klaviyo connection and syncs over HTTP. The key is accepted, never returned. */
@Controller('shops/:domain/klaviyo')
export class KlaviyoController {
  constructor(
    @Inject(KlaviyoConnectService) private readonly connection: KlaviyoConnectService,
    @Inject(KlaviyoSyncService) private readonly syncs: KlaviyoSyncService,
    @Inject(KlaviyoPlanService) private readonly plans: KlaviyoPlanService,
  ) {}

  @Put()
  async connect(@Param('domain') domain: string, @Body() body: { apiKey?: unknown }): Promise<{ shop: string; account: string | null }> {
    if (typeof body?.apiKey !== 'string') throw new BadRequestException('Expected {"apiKey": "pk_..."}');
    return asHttp(() => this.connection.connect(domain, body.apiKey as string));
  }

  @Delete()
  disconnect(@Param('domain') domain: string): Promise<{ shop: string }> {
    return this.connection.disconnect(domain);
  }

  @Get('plan')
  plan(@Param('domain') domain: string): Promise<SyncPlan> {
    return this.plans.plan(domain);
  }

  @Post('sync')
  @HttpCode(200)
  sync(@Param('domain') domain: string): Promise<SyncReport> {
    return asHttp(() => this.syncs.sync(domain));
  }
}

async function asHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KlaviyoKeyRejectedError || error instanceof InvalidKlaviyoKeyError || error instanceof KlaviyoNotConnectedError) {
      throw new BadRequestException(error.message);
    }
    throw error;
  }
}
