import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { StoreRepository } from '../../store/store.repository';
import type { CustomerRecord } from '../../store/store-records';
import { orderHistoryFilter, type ShopifyResource } from '../core/bulk-failures';
import { parseJsonLine, textLines } from '../core/jsonl';
import { checkoutRecord, customerRecord, type CheckoutLineItemNode, type CheckoutNode, type CustomerNode } from '../core/records';
import { bulkCheckoutsQuery, bulkCustomersQuery, bulkOrdersQuery } from '../admin/documents';
import { BulkOrderLoad } from './bulk-order-load';
import { BulkStaging } from './bulk-staging';
import { downloadBulkFile, runBulkQuery, ShopifyImportError } from './bulk-operations';
import type { ImportContext, ResourceImport } from './import-context';
import { SyncStateRepository } from './sync-state.repository';

const WRITE_BATCH = 1000;
const CUSTOMER_BATCH = 5000;

/**
 * A full import of one resource through a bulk operation: Shopify exports it to a JSONL file, which streams
 * into the store inside one transaction (all or nothing, like a CSV import), and the watermark becomes the
 * operation's start, so the next incremental import reads what changed while the export ran.
 */
export async function importByBulk(ctx: ImportContext, resource: ShopifyResource): Promise<ResourceImport> {
  const query =
    resource === 'customers' ? bulkCustomersQuery() : resource === 'orders' ? bulkOrdersQuery(orderHistoryFilter(ctx.now)) : bulkCheckoutsQuery();
  const step = stepClock(ctx, resource);
  const operation = await runBulkQuery(ctx.client, resource, query, ctx.scopes, {
    ...ctx.bulk,
    onStatus: (_status, objects) => ctx.onProgress?.({ resource, phase: 'exporting', count: objects }),
  });
  step('export (start, polls)');
  const records = await ctx.dataSource.transaction(async (manager) => {
    // The import is one transaction whose commit carries its watermark: if the server crashed in the instant
    // after the commit, before the WAL flush, the whole import (watermark included) would be lost, never half
    // of it, and the next run would redo it. That is the only risk, so its commit need not wait for the disk.
    await manager.query(`SET LOCAL synchronous_commit = off`);
    const store = new StoreRepository(manager);
    let written = 0;
    const progress = (n: number) => {
      written += n;
      ctx.onProgress?.({ resource, phase: 'writing', count: written });
    };
    if (operation.url) {
      const lines = textLines(guardDownload(await downloadBulkFile(operation.url), resource));
      if (resource === 'customers') await writeCustomers(ctx.shop.id, store, lines, progress);
      else if (resource === 'orders') {
        const schedule = { step, customersWritten: ctx.customersWritten, ordersPerMerge: ctx.bulk.ordersPerMerge };
        await writeOrders(await BulkOrderLoad.open(manager, ctx.shop.id, `shopify-bulk:${randomUUID()}`, schedule), lines, progress);
      }
      else await writeCheckouts(ctx.shop.id, store, await BulkStaging.open(manager), lines, progress);
    }
    // Orders report their own steps (BulkOrderLoad): download+stage+merge, then guests and buyers.
    if (resource !== 'orders') step('download+write');
    await new SyncStateRepository(manager).advance(ctx.shop.id, resource, operation.createdAt, 'bulk');
    return written;
  });
  step('commit');
  return { resource, mode: 'bulk', records, watermark: operation.createdAt.toISOString() };
}

/** Reports each step's duration to ctx.onStep: call it with the name of the step that just ended. */
function stepClock(ctx: ImportContext, resource: ShopifyResource): (ended: string) => void {
  let last = performance.now();
  return (ended) => {
    const now = performance.now();
    ctx.onStep?.(resource, ended, (now - last) / 1000);
    last = now;
  };
}

/**
 * A download that breaks off (connection dropped, truncated body) fails the import in plain words. Between
 * chunks it lets pending I/O run: a buffered body hands over its chunks as microtasks, and parsing them
 * back to back would keep the database connections' answers waiting, and the database idle.
 */
async function* guardDownload(body: AsyncIterable<Uint8Array>, resource: ShopifyResource): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) {
      yield chunk;
      await setImmediate();
    }
  } catch (error) {
    throw new ShopifyImportError(
      `The download of Shopify's export of ${resource} broke off (${(error as Error).message}). ` +
        `Nothing of it was imported; run the import again`,
      resource,
    );
  }
}

/** A customer as the export has it: with Shopify's version, so that upsertCustomers is order-safe. */
type ExportedCustomer = CustomerRecord & { sourceUpdatedAt: Date };

/** Customers have no child objects in the export: each line is a whole record. */
async function writeCustomers(
  shopId: number,
  store: StoreRepository,
  lines: AsyncIterable<string>,
  progress: (n: number) => void,
): Promise<void> {
  let batch: ExportedCustomer[] = [];
  let lineNo = 0;
  // One batch written while the next is parsed (one connection: the writes still go one after the other).
  let pending: Promise<unknown> = Promise.resolve();
  const write = async (customers: ExportedCustomer[]) => {
    await pending;
    const writing = store.upsertCustomers(shopId, customers).then(() => progress(customers.length));
    writing.catch(() => undefined); // awaited by the next write or at the end
    pending = writing;
  };
  for await (const line of lines) {
    const node = parseJsonLine<CustomerNode>(line, ++lineNo);
    // With its version: a newer one a webhook stored while Shopify exported stays (see upsertCustomers).
    batch.push({ ...customerRecord(node), sourceUpdatedAt: new Date(node.updatedAt) });
    if (batch.length >= CUSTOMER_BATCH) {
      await write(batch);
      batch = [];
    }
  }
  await write(batch);
  await pending;
}

/** Orders: staged as they stream, then written for the whole file in set-based SQL (see BulkOrderLoad). */
async function writeOrders(load: BulkOrderLoad, lines: AsyncIterable<string>, progress: (n: number) => void): Promise<void> {
  let reported = 0;
  for await (const line of lines) {
    await load.add(line);
    if (load.orderCount - reported >= WRITE_BATCH) {
      progress(load.orderCount - reported);
      reported = load.orderCount;
    }
  }
  await load.finish();
  progress(load.orderCount - reported);
}

/** Checkouts: staged, joined to their line items in SQL, then mapped and written in batches. */
async function writeCheckouts(
  shopId: number,
  store: StoreRepository,
  staging: BulkStaging,
  lines: AsyncIterable<string>,
  progress: (n: number) => void,
): Promise<void> {
  for await (const line of lines) await staging.add(line);
  let lineNo = 0;
  for await (const rows of staging.joined(WRITE_BATCH)) {
    const checkouts = rows.map((row) => {
      const node = parseJsonLine<CheckoutNode>(row.parent, ++lineNo);
      const items = row.children.map((child) => parseJsonLine<CheckoutLineItemNode>(child, lineNo));
      // With its version: a newer one a webhook stored while Shopify exported stays (see upsertCheckouts).
      return { ...checkoutRecord(node, items), sourceUpdatedAt: new Date(node.updatedAt) };
    });
    await store.upsertCheckouts(shopId, checkouts);
    progress(rows.length);
  }
}
