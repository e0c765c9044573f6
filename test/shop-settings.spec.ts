import { ShopSettingsService } from '../src/segmentation/shop-settings.service';
import { ShopsRepository } from '../src/shops/shops.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

describe.each(testDatabaseTargets())('shop settings on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  it('shows the defaults, stores a valid change, and refuses an invalid one without storing it', async () => {
    const shops = new ShopsRepository(test.database.dataSource);
    await shops.ensure('settings.myshopify.com');
    const settings = new ShopSettingsService(shops);

    const defaults = await settings.show(null);
    expect(defaults.rfmScheme).toBe('kmeans');
    expect(defaults.vip.mode).toBe('relative');

    const changed = await settings.update(null, {
      rfmScheme: 'shopify',
      vip: { mode: 'absolute', absolute: { silver: 300, gold: 900, platinum: 3000 } },
    });
    expect(changed.rfmScheme).toBe('shopify');
    expect(changed.vip.absolute).toEqual({ silver: 300, gold: 900, platinum: 3000 });

    await expect(settings.update(null, { vip: { mode: 'absolute', absolute: { silver: 500, gold: 400, platinum: 2500 } } }))
      .rejects.toThrow('Invalid shop setting vip.absolute.gold: must be more than absolute.silver (500), got 400');
    await expect(settings.update(null, { colour: 'red' })).rejects.toThrow('Invalid shop setting colour: is not a setting');
    expect(await settings.show('settings.myshopify.com')).toEqual(changed);

    const reset = await settings.update(null, { vip: null, rfmScheme: null });
    expect(reset).toEqual(defaults);
  });
});
