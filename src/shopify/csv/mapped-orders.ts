/**
 * Any orders CSV with a column mapping (column-mapping.ts): the UCI "Online Retail" file, CDNOW as CSV, a
 * spreadsheet from another shop system.
 *
 * Rules:
 * - Row amount = the amount column, or quantity x price, rounded to cents. Numbers may use a decimal comma
 *   when the file's delimiter is not the comma (`;`-separated European exports).
 * - Row without a customer (empty cell; real files have anonymous rows): skipped, counted in `stats`
 *   (reason 'no customer') and reported to `onSkip`; its other cells are not checked. A customer id written
 *   by a spreadsheet as `17850.0` is read as `17850`.
 * - With an order column: consecutive rows with the same order id make one OrderRecord (orderId and name =
 *   that id), one line per row; the order's customer, date, currency, email, country, status and refunded
 *   amount come from its first row (a later row naming another customer is an error), discount codes are
 *   collected from all rows. If the same order id comes back later, after other orders, another OrderRecord
 *   with the same orderId is yielded: THE WRITER MERGES RECORDS SHARING AN orderId (sums the money, appends
 *   the lines), so nothing is lost and memory does not grow with the file.
 * - Without an order column: every row is its own order, id `row-` + 16 hex of sha1(customer, date, amount,
 *   k) where k counts the earlier rows with the same (customer, date, amount), so re-importing the same file
 *   gives the same ids and two identical purchases stay two orders. To keep memory flat the counts are kept
 *   for the recent distinct triples only (32,768 to 65,536 of them); a duplicate further apart than that gets
 *   k = 1 again, i.e. the same id, and the writer merges the two (money summed, so net spend stays right).
 * - Refunds: a row with a negative amount (Online Retail's 'C' invoices: negative quantity) is a return. It
 *   adds |amount| to its order's totalRefunded and nothing to totalPrice; its line is listed with the positive
 *   quantity and price returned. Per order: totalPrice = subtotal = sum of the positive amounts, totalDiscounts
 *   0, totalRefunded = the returns + the refunded column. Without a status column the status is derived:
 *   'refunded' when something was refunded and it covers the total (a returns-only record: totalPrice 0, not
 *   an eligible order but counted by the returns rate), 'partially_refunded' when less, else 'paid'. The
 *   original invoice of a return is unknown to the file, so a return in its own record does not reduce the
 *   net spend of the sale it undoes; the returns rate sees it.
 * - Dates: 'iso' (2024-03-01, 2024-03-01T14:05:00Z, 2024-03-01 14:05:00 -0500), 'ymd' (19970101), 'mdy'
 *   (12/1/2010 8:26), 'dmy'; 'auto' (default) takes the format of the column's first date (slashes read month
 *   first unless that cannot be) and then insists on it. No zone means UTC.
 */
import { createHash } from 'node:crypto';
import type { FinancialStatus, OrderRecord } from '../../store/store-records';
import { validateColumnMapping, ColumnMappingError, type OrderColumnMapping } from './column-mapping';
import { createImportStats, CsvImportError, FieldError, type CsvReadOptions } from './errors';
import {
  DATE_FORMAT_EXAMPLES,
  detectDateFormat,
  normaliseCountry,
  parseCurrency,
  parseEmail,
  parseFinancialStatus,
  parseMoney,
  parseNumber,
  roundCents,
  shown,
  splitList,
  toCents,
  tryParseDate,
  type DateFormat,
} from './fields';
import { batchSizeOf, Header, inBatches, noteSkip, readCsvRows, RowCells, type Column } from './csv-rows';

export interface MappedOrdersOptions extends CsvReadOptions {
  dateFormat?: DateFormat | 'auto';
  /** One character; by default the most frequent of , ; and tab on the header line. */
  delimiter?: string;
  /** ISO currency of every order, unless a currency column is mapped (then the default for empty cells). */
  currency?: string;
}

/** Distinct (customer, date, amount) triples whose occurrence counts are remembered. */
const OCCURRENCE_WINDOW = 65_536;

export async function* readMappedOrdersCsv(
  input: NodeJS.ReadableStream,
  file: string,
  mapping: OrderColumnMapping,
  options: MappedOrdersOptions = {},
): AsyncGenerator<OrderRecord[]> {
  const size = batchSizeOf(options);
  validateColumnMapping(mapping);
  if (!mapping.currency && !options.currency) {
    throw new ColumnMappingError('currency', 'no currency column is mapped, so the currency option is required');
  }
  const currency = options.currency === undefined ? null : checkedOption(options.currency);
  if (options.delimiter !== undefined && options.delimiter.length !== 1) {
    throw new RangeError(`delimiter must be one character, got '${options.delimiter}'`);
  }
  yield* inBatches(mappedOrders(input, file, mapping, options, currency), size, options.stats);
}

function checkedOption(currency: string): string {
  try {
    return parseCurrency(currency);
  } catch {
    throw new RangeError(`currency option: expected a 3-letter code such as 'EUR', got '${currency}'`);
  }
}

interface Pending {
  record: OrderRecord;
  salesCents: number;
  returnsCents: number;
  refundedCents: number;
  status: FinancialStatus | null;
}

async function* mappedOrders(
  input: NodeJS.ReadableStream,
  file: string,
  mapping: OrderColumnMapping,
  options: MappedOrdersOptions,
  defaultCurrency: string | null,
): AsyncGenerator<OrderRecord> {
  const stats = options.stats ?? createImportStats();
  let delimiter = ',';
  const rows = readCsvRows(input, file, { delimiter: options.delimiter, onDelimiter: (d) => (delimiter = d) });
  const first = await rows.next();
  if (first.done) return;
  const header = new Header(file, first.value);
  const mapped = (key: keyof OrderColumnMapping): Column | null => {
    const name = mapping[key];
    if (!name) return null;
    const column = header.find(name);
    if (!column) throw new CsvImportError(file, header.line, null, `missing column '${name}' (mapped as ${key})`);
    return column;
  };
  const col = {
    customer: mapped('customer')!,
    date: mapped('date')!,
    order: mapped('order'),
    amount: mapped('amount'),
    quantity: mapped('quantity'),
    price: mapped('price'),
    email: mapped('email'),
    country: mapped('country'),
    status: mapped('status'),
    refunded: mapped('refunded'),
    discountCode: mapped('discountCode'),
    category: mapped('category'),
    product: mapped('product'),
    currency: mapped('currency'),
  };
  const numbers = { decimalComma: delimiter !== ',' };
  const number = (text: string) => parseNumber(text, numbers);
  const dates = new DateColumn(options.dateFormat ?? 'auto');
  const occurrences = new OccurrenceCounts();

  let pending: Pending | null = null;
  for await (const row of rows) {
    stats.rows++;
    const cells = new RowCells(file, row);
    const customer = customerKey(cells.text(col.customer));
    if (customer === '') {
      noteSkip(options, row.line, 'no customer');
      continue;
    }
    const createdAt = cells.required(col.date, (text) => dates.parse(text, row.line));
    const quantity = col.quantity ? cells.required(col.quantity, number) : null;
    const unitPrice = col.price ? cells.required(col.price, number) : null;
    const amount = col.amount ? roundCents(cells.required(col.amount, number)) : roundCents(quantity! * unitPrice!);
    const units = Math.abs(quantity ?? 1);
    const line = {
      lineNo: 0,
      productId: null,
      sku: null,
      title: cells.text(col.product),
      productType: cells.optional(col.category),
      quantity: units,
      price: unitPrice !== null ? roundCents(Math.abs(unitPrice)) : units === 0 ? Math.abs(amount) : roundCents(Math.abs(amount) / units),
      compareAtPrice: null,
      discountAmount: 0,
    };
    const codes = splitList(cells.text(col.discountCode));
    const orderKey = col.order ? cells.text(col.order) : null;
    if (col.order && orderKey === '') cells.fail(col.order, 'missing value');
    // Order-level cells are checked on every row, though only an order's first row is used.
    const email = cells.parsed(col.email, parseEmail, null);
    const currency = cells.parsed(col.currency, parseCurrency, defaultCurrency);
    const country = cells.parsed(col.country, normaliseCountry, null);
    const refunded = cells.parsed(col.refunded, (text) => parseMoney(text, numbers), 0);
    const status = cells.parsed(col.status, parseFinancialStatus, null);

    if (pending !== null && (orderKey === null || pending.record.orderId !== orderKey)) {
      yield finish(pending);
      pending = null;
    }
    if (pending === null) {
      const orderId: string = orderKey ?? rowOrderId(customer, createdAt, amount, occurrences);
      pending = {
        record: {
          orderId,
          name: orderKey,
          customerId: customer,
          customerEmail: email,
          createdAt,
          financialStatus: 'paid',
          cancelledAt: null,
          currency: currency ?? cells.fail(col.currency, 'missing value'),
          subtotal: 0,
          totalDiscounts: 0,
          totalPrice: 0,
          totalRefunded: 0,
          discountCodes: [],
          shippingCountry: country,
          lines: [],
        },
        salesCents: 0,
        returnsCents: 0,
        refundedCents: toCents(refunded),
        status,
      };
    } else if (pending.record.customerId !== customer) {
      cells.fail(col.customer, `order ${shown(pending.record.orderId)} belongs to customer ${shown(pending.record.customerId!)}, this row names ${shown(customer)}`);
    }
    line.lineNo = pending.record.lines.length + 1;
    pending.record.lines.push(line);
    if (amount < 0) pending.returnsCents += toCents(-amount);
    else pending.salesCents += toCents(amount);
    for (const code of codes) if (!pending.record.discountCodes.includes(code)) pending.record.discountCodes.push(code);
  }
  if (pending !== null) yield finish(pending);
}

function finish(pending: Pending): OrderRecord {
  const { record, salesCents } = pending;
  const refundedCents = pending.returnsCents + pending.refundedCents;
  record.subtotal = salesCents / 100;
  record.totalPrice = salesCents / 100;
  record.totalRefunded = refundedCents / 100;
  record.financialStatus =
    pending.status ?? (refundedCents === 0 ? 'paid' : refundedCents >= salesCents ? 'refunded' : 'partially_refunded');
  return record;
}

/** `17850.0` (a spreadsheet's float) → `17850`; anything else as written. */
function customerKey(text: string): string {
  return /^\d+\.0+$/.test(text) ? text.slice(0, text.indexOf('.')) : text;
}

function rowOrderId(customer: string, createdAt: Date, amount: number, occurrences: OccurrenceCounts): string {
  const triple = `${customer}\u0001${createdAt.toISOString()}\u0001${amount.toFixed(2)}`;
  const k = occurrences.next(triple);
  return `row-${createHash('sha1').update(`${triple}\u0001${k}`).digest('hex').slice(0, 16)}`;
}

/**
 * How many times each (customer, date, amount) triple was seen, remembered for the recent triples only: two
 * generations of at most OCCURRENCE_WINDOW / 2 entries each; when the young one fills up, the old one is
 * dropped and the young one becomes old. O(1) per row, bounded memory, deterministic for a given file.
 */
class OccurrenceCounts {
  private young = new Map<string, number>();
  private old = new Map<string, number>();

  next(key: string): number {
    const k = (this.young.get(key) ?? this.old.get(key) ?? 0) + 1;
    if (this.young.size >= OCCURRENCE_WINDOW / 2 && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, k);
    return k;
  }
}

/** A date column whose format is given, or taken from its first value and then insisted on. */
class DateColumn {
  private format: DateFormat | null;
  private detectedOnLine: number | null = null;

  constructor(requested: DateFormat | 'auto') {
    this.format = requested === 'auto' ? null : requested;
  }

  parse(text: string, line: number): Date {
    if (this.format === null) {
      const detected = detectDateFormat(text);
      if (detected === null) {
        throw new FieldError(`expected a date such as 2024-03-01, 2024-03-01 14:05:00 -0500, 19970101 or 12/1/2010 8:26, got ${shown(text)}`);
      }
      this.format = detected;
      this.detectedOnLine = line;
    }
    const date = tryParseDate(text, this.format);
    if (date !== null) return date;
    let reason = `${DATE_FORMAT_EXAMPLES[this.format]}, got ${shown(text)}`;
    if (this.detectedOnLine !== null) reason += ` (the format of the column's first date, line ${this.detectedOnLine})`;
    if (this.format === 'mdy' && tryParseDate(text, 'dmy')) reason += "; if the file writes the day first, pass dateFormat 'dmy'";
    throw new FieldError(reason);
  }
}
