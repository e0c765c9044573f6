import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to the embedded database in ./.segment-sync', () => {
    const config = loadConfig({}, '/home/merchant/shop');
    expect(config).toEqual({
      databaseUrl: null,
      dataDir: '/home/merchant/shop/.segment-sync',
      port: 3000,
      host: '127.0.0.1',
      clusterSeed: 42,
      logLevel: 'log',
    });
  });

  it('reads DATABASE_URL, SEGMENT_SYNC_DATA_DIR and PORT', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', SEGMENT_SYNC_DATA_DIR: 'data', PORT: '8080' },
      '/srv',
    );
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(config.dataDir).toBe('/srv/data');
    expect(config.port).toBe(8080);
  });

  it('names every wrong variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://secret@host/db', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT .*\(got 'eighty'\)/);
    expect(message).toMatch(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect(message).not.toContain('secret');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }, '/x').databaseUrl).toBeNull();
  });
});
