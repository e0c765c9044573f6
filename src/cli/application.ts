import type { INestApplicationContext, Type } from '@nestjs/common';
import { loadConfig, logLevels } from '../config/app-config';

/**
 * Runs one command inside the application context (configuration validated, database opened and migrated),
 * and closes it afterwards, whatever happens.
 */
export async function withApplication<T>(work: (app: ApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Loaded here, not at the top: `--help` and the commands without a database start without NestJS,
  // TypeORM and PGlite (about a second).
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../app.module');
  const context = await NestFactory.createApplicationContext(AppModule, {
    // Commands print their own results and their own errors (one line, no stack): the framework only warns,
    // unless LOG_LEVEL=debug asks for everything.
    logger: config.logLevel === 'debug' ? logLevels('debug') : ['warn'],
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
