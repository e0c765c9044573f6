import { VersionedStoreWriter } from '../webhooks/versioned-store-writer';
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../../store/store-records';
import { orderHistoryFilter, type ShopifyResource } from '../core/bulk-failures';
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
import type { AdminApiClient } from '../admin/admin-api-client';
import {
  CHECKOUT_LINES_PAGE,
  CHECKOUTS_PAGE,
  CUSTOMERS_PAGE,
  ORDER_LINES_PAGE,
  ORDERS_PAGE,
  PAGE_SIZES,
} from '../admin/documents';
import type { ImportContext, ResourceImport } from './import-context';
import { SyncStateRepository } from './sync-state.repository';

interface Page<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
type WithLines<T, L> = T & { lineItems: Page<L> };

/**
 * An incremental import of one resource: what changed since the watermark (`updated_at >=` it, so records
 * sharing the watermark's instant are read again rather than missed), page by page. Customers and orders
 * come sorted by update time, so each page is committed with its last `updatedAt` as the new watermark in
 * the same transaction: a crash resumes after the last committed page. Abandoned checkouts cannot be
 * sorted by update time: their pages are committed as they come and the watermark moves once, after the
 * last page, so a crash re-reads them (upserts make that harmless).
 */
export async function importIncrementally(ctx: ImportContext, resource: ShopifyResource): Promise<ResourceImport> {
  const { shop } = ctx;
  const from = (await new SyncStateRepository(ctx.dataSource).watermark(shop.id, resource)) ?? new Date(0);
  const search = `updated_at:>='${from.toISOString()}'` + (resource === 'orders' ? ` ${orderHistoryFilter(ctx.now)}` : '');
  let watermark = from;
  let after: string | null = null;
  let written = 0;
  for (let page = 1; ; page++) {
    const { records, updatedAt, pageInfo } = await fetchPage(ctx.client, resource, search, after);
    for (const at of updatedAt) if (at > watermark) watermark = at;
    const last = !pageInfo.hasNextPage;
    await ctx.dataSource.transaction(async (manager) => {
      // Written order-safe, as webhooks are: a record a newer webhook already stored is left alone, and each
      // written record keeps its source update time for the deliveries that come later.
      const store = new VersionedStoreWriter(manager);
      const at = (index: number) => updatedAt[index];
      if (resource === 'customers') {
        await store.customers(shop.id, (records as CustomerRecord[]).map((record, i) => ({ record, sourceUpdatedAt: at(i) })));
      } else if (resource === 'orders') {
        await store.orders(shop.id, (records as OrderRecord[]).map((record, i) => ({ record, sourceUpdatedAt: at(i), refunds: [] })));
      } else {
        await store.checkouts(shop.id, (records as CheckoutRecord[]).map((record, i) => ({ record, sourceUpdatedAt: at(i), productIds: [] })));
      }
      if (resource !== 'checkouts' || last) {
        await new SyncStateRepository(manager).advance(shop.id, resource, watermark, 'incremental');
      }
    });
    written += records.length;
    ctx.onProgress?.({ resource, phase: 'paging', count: written });
    await ctx.afterPage?.(resource, page);
    if (last) break;
    after = pageInfo.endCursor;
  }
  return { resource, mode: 'incremental', records: written, watermark: watermark.toISOString() };
}

async function fetchPage(client: AdminApiClient, resource: ShopifyResource, search: string, after: string | null) {
  if (resource === 'customers') {
    const { customers } = await client.query<{ customers: Page<CustomerNode> }>(CUSTOMERS_PAGE, {
      first: PAGE_SIZES.customers,
      after,
      query: search,
    });
    const nodes = customers.edges.map((edge) => edge.node);
    return { records: nodes.map(customerRecord), updatedAt: nodes.map(updatedAt), pageInfo: customers.pageInfo };
  }
  if (resource === 'orders') {
    const { orders } = await client.query<{ orders: Page<WithLines<OrderNode, LineItemNode>> }>(ORDERS_PAGE, {
      first: PAGE_SIZES.orders,
      lines: PAGE_SIZES.orderLines,
      after,
      query: search,
    });
    const nodes = orders.edges.map((edge) => edge.node);
    const records: OrderRecord[] = [];
    for (const node of nodes) {
      const lines = await allLines(client, node.id, node.lineItems, ORDER_LINES_PAGE, PAGE_SIZES.moreOrderLines, (data) => data.order.lineItems);
      records.push(orderRecord(node, lines));
    }
    return { records, updatedAt: nodes.map(updatedAt), pageInfo: orders.pageInfo };
  }
  const { abandonedCheckouts } = await client.query<{ abandonedCheckouts: Page<WithLines<CheckoutNode, CheckoutLineItemNode>> }>(
    CHECKOUTS_PAGE,
    { first: PAGE_SIZES.checkouts, lines: PAGE_SIZES.checkoutLines, after, query: search },
  );
  const nodes = abandonedCheckouts.edges.map((edge) => edge.node);
  const records: CheckoutRecord[] = [];
  for (const node of nodes) {
    const lines = await allLines(client, node.id, node.lineItems, CHECKOUT_LINES_PAGE, PAGE_SIZES.moreCheckoutLines, (data) => data.node.lineItems);
    records.push(checkoutRecord(node, lines));
  }
  return { records, updatedAt: nodes.map(updatedAt), pageInfo: abandonedCheckouts.pageInfo };
}

/** A parent's line items: the first page came with it; a long order's further pages are asked for. */
async function allLines<L>(
  client: AdminApiClient,
  parentId: string,
  first: Page<L>,
  document: string,
  size: number,
  pick: (data: any) => Page<L>,
): Promise<L[]> {
  const lines = first.edges.map((edge) => edge.node);
  let pageInfo = first.pageInfo;
  while (pageInfo.hasNextPage) {
    const page = pick(await client.query(document, { id: parentId, first: size, after: pageInfo.endCursor }));
    lines.push(...page.edges.map((edge) => edge.node));
    pageInfo = page.pageInfo;
  }
  return lines;
}

function updatedAt(node: { updatedAt: string }): Date {
  return new Date(node.updatedAt);
}
