import { randomUUID } from 'node:crypto';
import { StoreRepository } from '../../store/store.repository';
import type { CustomerRecord } from '../../store/store-records';
import { orderHistoryFilter, type ShopifyResource } from '../core/bulk-failures';
import { parseJsonLine, textLines } from '../core/jsonl';
import {
  checkoutRecord,
  customerRecord,
  orderRecord,
  type CheckoutLineItemNode,
  type CheckoutNode,
  type CustomerNode,
  type LineItemNode,
  type OrderNode,
} from '../core/records';
import { bulkCheckoutsQuery, bulkCustomersQuery, bulkOrdersQuery } from '../admin/documents';
import { BulkStaging } from './bulk-staging';
import { downloadBulkFile, runBulkQuery, ShopifyImportError } from './bulk-operations';
import type { ImportContext, ResourceImport } from './import-context';
import { SyncStateRepository } from './sync-state.repository';

const WRITE_BATCH = 1000;

/**
 * A full import of one resource through a bulk operation: Shopify exports it to a JSONL file, which streams
 * into the store inside one transaction (all or nothing, like a CSV import), and the watermark becomes the
 * operation's start, so the next incremental import reads what changed while the export ran.
 */
export async function importByBulk(ctx: ImportContext, resource: ShopifyResource): Promise<ResourceImport> {
  const query =
    resource === 'customers' ? bulkCustomersQuery() : resource === 'orders' ? bulkOrdersQuery(orderHistoryFilter(ctx.now)) : bulkCheckoutsQuery();
  const operation = await runBulkQuery(ctx.client, resource, query, ctx.scopes, {
    ...ctx.bulk,
    onStatus: (_status, objects) => ctx.onProgress?.({ resource, phase: 'exporting', count: objects }),
  });
  const records = await ctx.dataSource.transaction(async (manager) => {
    const store = new StoreRepository(manager);
    let written = 0;
    const progress = (n: number) => {
      written += n;
      ctx.onProgress?.({ resource, phase: 'writing', count: written });
    };
    if (operation.url) {
      const lines = textLines(guardDownload(await downloadBulkFile(operation.url), resource));
      if (resource === 'customers') await writeCustomers(ctx.shop.id, store, lines, progress);
      else await writeJoined(ctx.shop.id, resource, store, await BulkStaging.open(manager), lines, progress);
    }
    await new SyncStateRepository(manager).advance(ctx.shop.id, resource, operation.createdAt, 'bulk');
    return written;
  });
  return { resource, mode: 'bulk', records, watermark: operation.createdAt.toISOString() };
}

/** A download that breaks off (connection dropped, truncated body) fails the import in plain words. */
async function* guardDownload(body: AsyncIterable<Uint8Array>, resource: ShopifyResource): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (error) {
    throw new ShopifyImportError(
      `The download of Shopify's export of ${resource} broke off (${(error as Error).message}). ` +
        `Nothing of it was imported; run the import again`,
      resource,
    );
  }
}

/** Customers have no child objects in the export: each line is a whole record. */
async function writeCustomers(
  shopId: number,
  store: StoreRepository,
  lines: AsyncIterable<string>,
  progress: (n: number) => void,
): Promise<void> {
  let batch: CustomerRecord[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    batch.push(customerRecord(parseJsonLine<CustomerNode>(line, ++lineNo)));
    if (batch.length >= WRITE_BATCH) {
      await store.upsertCustomers(shopId, batch);
      progress(batch.length);
      batch = [];
    }
  }
  await store.upsertCustomers(shopId, batch);
  progress(batch.length);
}

/** Orders and checkouts: staged, joined to their line items in SQL, then mapped and written in batches. */
async function writeJoined(
  shopId: number,
  resource: 'orders' | 'checkouts',
  store: StoreRepository,
  staging: BulkStaging,
  lines: AsyncIterable<string>,
  progress: (n: number) => void,
): Promise<void> {
  for await (const line of lines) await staging.add(line);
  // One import id for the whole file: each order appears in it once, so nothing is merged.
  const importId = `shopify-bulk:${randomUUID()}`;
  let lineNo = 0;
  for await (const rows of staging.joined(WRITE_BATCH)) {
    if (resource === 'orders') {
      const orders = rows.map((row) =>
        orderRecord(
          parseJsonLine<OrderNode>(row.parent, ++lineNo),
          row.children.map((child) => parseJsonLine<LineItemNode>(child, lineNo)),
        ),
      );
      await store.upsertOrders(shopId, orders, importId);
    } else {
      const checkouts = rows.map((row) =>
        checkoutRecord(
          parseJsonLine<CheckoutNode>(row.parent, ++lineNo),
          row.children.map((child) => parseJsonLine<CheckoutLineItemNode>(child, lineNo)),
        ),
      );
      await store.upsertCheckouts(shopId, checkouts);
    }
    progress(rows.length);
  }
}
