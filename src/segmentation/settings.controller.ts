import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import type { SegmentationSettings } from './segmentation-settings';
import { ShopSettingsService } from './shop-settings.service';

/** A shop's segmentation settings over HTTP. */
@Controller('shops/:domain/settings')
export class SettingsController {
  constructor(@Inject(ShopSettingsService) private readonly settings: ShopSettingsService) {}

  @Get()
  show(@Param('domain') domain: string): Promise<SegmentationSettings> {
    return this.settings.show(domain);
  }

  @Put()
  update(@Param('domain') domain: string, @Body() body: unknown): Promise<SegmentationSettings> {
    return this.settings.update(domain, body);
  }
}
