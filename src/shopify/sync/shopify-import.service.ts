import { DataSource } from 'typeorm';
import { ShopsRepository } from '../../shops/shops.repository';
import { StoreRepository } from '../../store/store.repository';
import { missingScopeMessage, missingScopes, type ShopifyResource } from '../core/bulk-failures';
import type { AdminClients } from '../admin/admin-clients';
import { SHOP_DETAILS } from '../admin/documents';
import { importByBulk } from './bulk-import';
import { ShopifyImportError, type BulkOperationOptions } from './bulk-operations';
import type { ImportContext, ImportProgress, ResourceImport } from './import-context';
import { importIncrementally } from './incremental-import';
import { SyncStateRepository } from './sync-state.repository';

/** Customers first, so orders and checkouts find their buyers. */
export const RESOURCES: ShopifyResource[] = ['customers', 'orders', 'checkouts'];

export interface ShopifyImportOptions {
  /**
   * `auto` (default): a bulk export for a resource never imported, an incremental read of changes since
   * the watermark otherwise. `full` forces bulk exports; `incremental` forces paging (from the beginning
   * when there is no watermark).
   */
  mode?: 'auto' | 'full' | 'incremental';
  /** The moment that bounds the order history (ten years back); default now. */
  now?: Date;
  onProgress?: (progress: ImportProgress) => void;
  onStep?: ImportContext['onStep'];
  afterPage?: ImportContext['afterPage'];
}

export interface ShopifyImportResult {
  shop: string;
  resources: ResourceImport[];
  seconds: number;
  requests: number;
  retries: number;
  throttleWaits: number;
}

/**
 * Imports a connected shop's customers, orders (ten years) and abandoned checkouts from the Admin API: the
 * command `shopify import` and the nightly job call this. The token's scopes are checked before anything is
 * read, so a missing scope stops the import with a sentence saying which, and nothing is written.
 */
export class ShopifyImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shops: ShopsRepository,
    private readonly clients: AdminClients,
    private readonly bulk: BulkOperationOptions = {},
  ) {}

  async import(domain: string | null, options: ShopifyImportOptions = {}): Promise<ShopifyImportResult> {
    const started = Date.now();
    const shop = await this.shops.resolve(domain);
    const client = await this.clients.forShop(shop);
    const details = await client.query<{ currentAppInstallation: { accessScopes: { handle: string }[] } }>(SHOP_DETAILS);
    const scopes = details.currentAppInstallation.accessScopes.map((scope) => scope.handle);
    for (const resource of RESOURCES) {
      const missing = missingScopes(resource, scopes);
      if (missing.length > 0) throw new ShopifyImportError(missingScopeMessage(resource, missing), resource);
    }
    const ctx: ImportContext = {
      dataSource: this.dataSource,
      shop,
      client,
      scopes,
      now: options.now ?? new Date(),
      bulk: this.bulk,
      onProgress: options.onProgress,
      onStep: options.onStep,
      afterPage: options.afterPage,
    };
    const state = new SyncStateRepository(this.dataSource);
    const mode = options.mode ?? 'auto';
    const resources: ResourceImport[] = [];
    for (const resource of RESOURCES) {
      const bulk = mode === 'full' || (mode === 'auto' && (await state.watermark(shop.id, resource)) === null);
      resources.push(bulk ? await importByBulk(ctx, resource) : await importIncrementally(ctx, resource));
    }
    await new StoreRepository(this.dataSource).refreshStatistics();
    return {
      shop: shop.domain,
      resources,
      seconds: (Date.now() - started) / 1000,
      requests: client.stats.requests,
      retries: client.stats.retries,
      throttleWaits: client.stats.throttleWaits,
    };
  }
}
