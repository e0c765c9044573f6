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
    // Commands print their own results and their own errors (one line, no stack): the framework only warns,
    // unless LOG_LEVEL=debug asks for everything.
    logger: loadConfig().logLevel === 'debug' ? logLevels('debug') : ['warn'],
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
