import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { APP_CONFIG } from './config/config.module';
import { loadConfig, logLevels, type AppConfig } from './config/app-config';
import { HttpErrorsFilter } from './http-errors.filter';
import { WebhookWorker } from './shopify/webhooks/webhook-worker';

/** The HTTP service: the same modules as the command line, behind NestJS controllers. */
export async function startHttpService(): Promise<void> {
  // rawBody: webhook signatures cover the bytes as sent.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: logLevels(loadConfig().logLevel), rawBody: true });
  // Shopify's order webhooks exceed the default 100 kB with a few hundred line items.
  app.useBodyParser('json', { limit: '10mb' });
  app.useGlobalFilters(new HttpErrorsFilter());
  app.enableShutdownHooks();
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port, config.host);
  app.get(WebhookWorker).start();
  new Logger('segment-sync').log(`listening on ${await app.getUrl()}`);
}

if (require.main === module) {
  startHttpService().catch((error) => {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
