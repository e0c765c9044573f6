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
      secretKey: null,
      shopify: { apiBaseUrl: null, apiKey: null, apiSecret: null, appUrl: null },
      klaviyo: { apiBaseUrl: 'https://a.klaviyo.com' },
    });
  });

  it('reads the credential key as hex or base64, and never echoes a wrong one', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ SEGMENT_SYNC_SECRET_KEY: hex }).secretKey).toEqual(Buffer.from(hex, 'hex'));
    const base64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ SEGMENT_SYNC_SECRET_KEY: base64 }).secretKey).toEqual(Buffer.alloc(32, 7));
    expect(() => loadConfig({ SEGMENT_SYNC_SECRET_KEY: 'hunter2-too-short' })).toThrow(
      /SEGMENT_SYNC_SECRET_KEY must be 32 bytes/,
    );
    expect(() => loadConfig({ SEGMENT_SYNC_SECRET_KEY: 'hunter2-too-short' })).not.toThrow(/hunter2/);
  });

  it('reads the vendor base URLs without a trailing slash', () => {
    const config = loadConfig({ SHOPIFY_API_BASE_URL: 'http://127.0.0.1:9000/', KLAVIYO_API_BASE_URL: 'http://127.0.0.1:9001' });
    expect(config.shopify.apiBaseUrl).toBe('http://127.0.0.1:9000');
    expect(config.klaviyo.apiBaseUrl).toBe('http://127.0.0.1:9001');
    expect(() => loadConfig({ KLAVIYO_API_BASE_URL: 'a.klaviyo.com' })).toThrow(/KLAVIYO_API_BASE_URL must be an http/);
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
