import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { AppModule } from '../app.module';
import { loadConfig, logLevels } from '../config/app-config';

/**
 * Runs one command inside the application context (configuration validated, database opened and migrated),
 * and closes it afterwards, whatever happens.
 */
export async function withApplication<T>(work: (app: ApplicationContext) => Promise<T>): Promise<T> {
  const context = await NestFactory.createApplicationContext(AppModule, {
    // Commands print their own results; the framework says only what goes wrong (or more, if asked).
    logger: logLevels(loadConfig().logLevel).filter((level) => level !== 'log'),
    abortOnError: false,
  });
  try {
    return await work(new ApplicationContext(context));
  } finally {
    await context.close();
  }
}

export class ApplicationContext {
  constructor(private readonly context: INestApplicationContext) {}

  get<T>(type: Type<T>): T {
    return this.context.get(type, { strict: false });
  }
}
