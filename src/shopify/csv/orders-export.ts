/**
 * Shopify's orders export (Orders → Export → CSV): ONE ROW PER LINE ITEM. The rows of an order are next to
 * each other and share its `Name` (#1001); the order's own fields are read from its first row, the later rows
 * only add line items. A `Name` that differs from the previous row's starts a new order, whose first row must
 * carry the order's fields (so rows of one order that are not next to each other are reported, not merged).
 *
 * OrderRecord from the columns:
 *   orderId        Id (numeric, apostrophe stripped) when the column is there and filled, else Name
 *   name           Name
 *   customerId     null: the export has no customer id. customerEmail = lower-cased Email (null when empty);
 *                  the writer matches it to a customer, an order without email has no customer.
 *   createdAt      Created at (2024-03-01 14:05:00 -0500; no zone means UTC)
 *   financialStatus Financial Status (paid, pending, authorized, partially_paid, partially_refunded, refunded,
 *                  voided, expired)
 *   cancelledAt    Cancelled at, null when empty
 *   currency       Currency;   subtotal Subtotal;   totalPrice Total
 *   totalDiscounts Discount Amount (0 when empty);  totalRefunded Refunded Amount (0 when empty)
 *   discountCodes  Discount Code, comma separated
 *   shippingCountry Shipping Country: a 2-letter code upper-cased, or (older exports) the name as written
 * OrderLineRecord per row: title Lineitem name, quantity Lineitem quantity (whole, >= 0), price Lineitem price,
 *   compareAtPrice Lineitem compare at price only when above the price (a markdown; otherwise null), sku
 *   Lineitem sku, discountAmount Lineitem discount (0 when empty); productId and productType null (not in
 *   the export).
 */
import type { OrderLineRecord, OrderRecord } from '../../store/store-records';
import { createImportStats, FieldError, type CsvReadOptions } from './errors';
import {
  normaliseCountry,
  parseCurrency,
  parseDate,
  parseEmail,
  parseFinancialStatus,
  parseMoney,
  parseWholeNumber,
  shown,
  splitList,
  stripApostrophe,
} from './fields';
import { batchSizeOf, Header, inBatches, readCsvRows, RowCells, type Column } from './csv-rows';

export async function* readShopifyOrdersCsv(
  input: NodeJS.ReadableStream,
  file: string,
  options?: CsvReadOptions,
): AsyncGenerator<OrderRecord[]> {
  const size = batchSizeOf(options);
  yield* inBatches(orders(input, file, options), size, options?.stats);
}

const parseIsoDate = (text: string): Date => parseDate(text, 'iso');

function parseQuantity(text: string): number {
  const quantity = parseWholeNumber(text);
  if (quantity < 0) throw new FieldError(`expected a quantity of zero or more, got ${shown(text)}`);
  return quantity;
}

function parseOrderId(text: string): string {
  const id = stripApostrophe(text);
  if (!/^\d+$/.test(id)) throw new FieldError(`expected a numeric Shopify order id, got ${shown(text)}`);
  return id;
}

async function* orders(input: NodeJS.ReadableStream, file: string, options?: CsvReadOptions): AsyncGenerator<OrderRecord> {
  const stats = options?.stats ?? createImportStats();
  const rows = readCsvRows(input, file);
  const first = await rows.next();
  if (first.done) return;
  const header = new Header(file, first.value);
  const col = {
    name: header.require('Name'),
    id: header.find('Id'),
    email: header.require('Email'),
    financialStatus: header.require('Financial Status'),
    currency: header.require('Currency'),
    subtotal: header.require('Subtotal'),
    total: header.require('Total'),
    discountCode: header.find('Discount Code'),
    discountAmount: header.find('Discount Amount'),
    createdAt: header.require('Created at'),
    cancelledAt: header.find('Cancelled at'),
    refunded: header.find('Refunded Amount'),
    shippingCountry: header.find('Shipping Country'),
    quantity: header.require('Lineitem quantity'),
    title: header.require('Lineitem name'),
    price: header.require('Lineitem price'),
    compareAt: header.find('Lineitem compare at price'),
    sku: header.find('Lineitem sku'),
    lineDiscount: header.find('Lineitem discount'),
  };

  let current: OrderRecord | null = null;
  for await (const row of rows) {
    stats.rows++;
    const cells = new RowCells(file, row);
    const name = cells.text(col.name);
    if (name === '') cells.fail(col.name, 'missing value');
    if (current === null || current.name !== name) {
      if (current !== null) yield current;
      current = startOrder(cells, col, name);
    } else {
      checkOrderCells(cells, col);
    }
    current.lines.push(lineItem(cells, col, current.lines.length + 1));
  }
  if (current !== null) yield current;
}

type Columns = Record<
  | 'name' | 'email' | 'financialStatus' | 'currency' | 'subtotal' | 'total' | 'createdAt'
  | 'quantity' | 'title' | 'price',
  Column
> &
  Record<
    'id' | 'discountCode' | 'discountAmount' | 'cancelledAt' | 'refunded' | 'shippingCountry' | 'compareAt' | 'sku'
    | 'lineDiscount',
    Column | null
  >;

function startOrder(cells: RowCells, col: Columns, name: string): OrderRecord {
  const orderField = <T>(column: Column, parse: (text: string) => T): T => {
    if (cells.text(column) === '') {
      cells.fail(column, `missing value (order ${name} starts on this line, and an order's first row carries its fields)`);
    }
    return cells.required(column, parse);
  };
  const id = cells.parsed(col.id, parseOrderId, null);
  const shippingCountry = cells.optional(col.shippingCountry);
  return {
    orderId: id ?? name,
    name,
    customerId: null,
    customerEmail: cells.parsed(col.email, parseEmail, null),
    createdAt: orderField(col.createdAt, parseIsoDate),
    financialStatus: orderField(col.financialStatus, parseFinancialStatus),
    cancelledAt: cells.parsed(col.cancelledAt, parseIsoDate, null),
    currency: orderField(col.currency, parseCurrency),
    subtotal: orderField(col.subtotal, parseMoney),
    totalDiscounts: cells.parsed(col.discountAmount, parseMoney, 0),
    totalPrice: orderField(col.total, parseMoney),
    totalRefunded: cells.parsed(col.refunded, parseMoney, 0),
    discountCodes: splitList(cells.text(col.discountCode)),
    shippingCountry: shippingCountry === null ? null : normaliseCountry(shippingCountry),
    lines: [],
  };
}

/** A later row of an order: its order-level cells are usually blank, and checked when they are not. */
function checkOrderCells(cells: RowCells, col: Columns): void {
  cells.parsed(col.id, parseOrderId, null);
  cells.parsed(col.email, parseEmail, null);
  cells.parsed(col.createdAt, parseIsoDate, null);
  cells.parsed(col.financialStatus, parseFinancialStatus, null);
  cells.parsed(col.cancelledAt, parseIsoDate, null);
  cells.parsed(col.currency, parseCurrency, null);
  for (const money of [col.subtotal, col.total, col.discountAmount, col.refunded]) cells.parsed(money, parseMoney, null);
}

function lineItem(cells: RowCells, col: Columns, lineNo: number): OrderLineRecord {
  const price = cells.required(col.price, parseMoney);
  const compareAt = cells.parsed(col.compareAt, parseMoney, null);
  const title = cells.text(col.title);
  if (title === '') cells.fail(col.title, 'missing value');
  return {
    lineNo,
    productId: null,
    sku: cells.optional(col.sku),
    title,
    productType: null,
    quantity: cells.required(col.quantity, parseQuantity),
    price,
    compareAtPrice: compareAt !== null && compareAt > price ? compareAt : null,
    discountAmount: cells.parsed(col.lineDiscount, parseMoney, 0),
  };
}
