import { DataSource } from 'typeorm';
import { settleAll } from '../../async/settle-all';
import { poolSizeOf } from '../../database/pool-size';
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

/** Customers first, so orders find their buyers (guest orders are matched to customers by email). */
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
    const bulk = new Map<ShopifyResource, boolean>();
    for (const resource of RESOURCES) {
      bulk.set(resource, mode === 'full' || (mode === 'auto' && (await state.watermark(shop.id, resource)) === null));
    }
    const resources = RESOURCES.every((resource) => bulk.get(resource)) && poolSizeOf(this.dataSource) > RESOURCES.length
      ? await importAllByBulk(ctx)
      : await importOneAfterAnother(ctx, (resource) => bulk.get(resource)!);
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

async function importOneAfterAnother(ctx: ImportContext, byBulk: (resource: ShopifyResource) => boolean): Promise<ResourceImport[]> {
  const resources: ResourceImport[] = [];
  for (const resource of RESOURCES) {
    resources.push(reportDone(ctx, byBulk(resource) ? await importByBulk(ctx, resource) : await importIncrementally(ctx, resource)));
  }
  return resources;
}

function reportDone(ctx: ImportContext, result: ResourceImport): ResourceImport {
  ctx.onProgress?.({ resource: result.resource, phase: 'done', count: result.records });
  return result;
}

/**
 * The three bulk exports at once (API 2026-01 and later run up to five bulk queries per shop), each in its
 * own transaction on its own connection, so that the process parses one file while the database merges
 * another. Orders write their guest orders and stub buyers only once customers are committed (see
 * ImportContext.customersWritten). When one resource fails, the others still finish or roll back on their
 * own before the error is thrown; the first failure in RESOURCES order is reported (a customers failure
 * also stops orders).
 */
async function importAllByBulk(ctx: ImportContext): Promise<ResourceImport[]> {
  const customers = importByBulk(ctx, 'customers').then((result) => reportDone(ctx, result));
  const customersWritten = customers.then(() => undefined);
  customersWritten.catch(() => undefined); // orders observe it; its failure is reported below
  const others = (['orders', 'checkouts'] as const).map((resource) =>
    importByBulk({ ...ctx, customersWritten }, resource).then((result) => reportDone(ctx, result)),
  );
  return settleAll([customers, ...others]);
}
