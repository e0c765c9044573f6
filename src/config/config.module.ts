import { Global, Module } from '@nestjs/common';
import { loadConfig, type AppConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The validated configuration, once for the whole application. */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: (): AppConfig => loadConfig() }],
  exports: [APP_CONFIG],
})
export class ConfigModule {}
