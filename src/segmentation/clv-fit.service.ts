/**
 * Fits the lifetime-value models (BG/NBD and Gamma-Gamma, see core/clv) on an orders CSV read with a column
 * mapping: the store's own parameters, without a database.
 *
 * The file is read exactly as `import orders --map` reads it (readMappedOrdersCsv: same mapping, date
 * formats, refunds rule and errors, a malformed row being a CsvImportError with file:line:column:reason), and
 * its orders then go where the importer's would go, without the database in between:
 * - Records sharing an order id are merged as the store writer merges them (mergeOrdersById: money added,
 *   the later record's date and status), so a file gives the same orders here as after an import.
 * - Transactions: the orders eligible at the last moment of the calibration end day (DESIGN.md: a customer,
 *   not cancelled, paid or partially paid, within 10 years), valued net of refunds (transactionsFromOrders).
 *   Later orders are not history yet and are left out, so a file may run past the calibration end.
 * - Summaries per customer and UTC calendar day (summariseTransactions), then fitClvModel, which refuses a
 *   store without enough history (NotEnoughHistoryError) rather than return numbers made up to fill in.
 * Amounts in different currencies cannot be added up, so the fitted orders must share one currency.
 *
 * Memory: one small record per distinct order (lines dropped), because an order id may come back anywhere
 * in the file; the file itself is streamed.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { createImportStats, readMappedOrdersCsv, type OrderColumnMapping } from '../shopify/csv';
import { mergeOrdersById } from '../store/store.repository';
import type { OrderRecord } from '../store/store-records';
import {
  DEFAULT_DAYS_PER_UNIT,
  fitClvModel,
  summariseTransactions,
  toColumns,
  transactionsFromOrders,
  type CustomerSummary,
} from './core/clv';
import { MS_PER_DAY, utcDayNumber } from './core/clv/summary';
import { isEligibleOrder } from './core/eligibility';

/**
 * ISO 4217's "no currency": the reader needs a currency for every order, but the fit does not care which
 * one, so a file without a currency column may be fitted without --currency (the result says null).
 */
const NO_CURRENCY = 'XXX';

export interface ClvFitOptions {
  /** Last calendar day (UTC) of the history fitted on, inclusive; the time of day is ignored. */
  calibrationEnd: Date;
  /** Days per model time unit; 7 (weeks, the unit of the published results) by default. */
  daysPerUnit?: number;
  /** Currency of a file without a currency column (the default for empty cells when there is one). */
  currency?: string;
  /** Bytes read so far, of the file's total size: for a progress bar. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What the file held and what of it entered the fit. */
export interface ClvFileSummaries {
  /** The file's name, as errors name it. */
  file: string;
  /** The fitted orders' currency; null when the file has none and none was given. */
  currency: string | null;
  /** The calibration end day, midnight UTC. */
  calibrationEnd: Date;
  daysPerUnit: number;
  /** Data rows read. */
  rows: number;
  /** Rows left out on purpose by the reader (no customer), by reason. */
  skippedRows: number;
  skippedByReason: Record<string, number>;
  /** Distinct orders in the file. */
  orders: number;
  /** Eligible orders on or before the calibration end day: the transactions summarised. */
  ordersFitted: number;
  /** Orders placed after the calibration end day. */
  ordersAfterCalibrationEnd: number;
  /** Orders by the calibration end that are not eligible (refunded in full, unpaid, cancelled, > 10 years old). */
  ordersNotEligible: number;
  /** One per customer with an eligible order by the calibration end, sorted by customer id. */
  summaries: CustomerSummary[];
}

/** The command's output: the fitted parameters and log-likelihoods, and what they were fitted on. */
export interface ClvFitResult {
  file: string;
  currency: string | null;
  /** YYYY-MM-DD. */
  calibrationEnd: string;
  daysPerUnit: number;
  /** Customers with a purchase by the calibration end: what BG/NBD is fitted on. */
  customers: number;
  /** Customers who bought again on a later day, for a positive amount: what Gamma-Gamma is fitted on. */
  repeatCustomers: number;
  /** Purchase rate λ ~ Gamma(r, alpha) per time unit, dropout p ~ Beta(a, b); Σ ln L (FHL 2005, eq. 6). */
  bgNbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  /** Order value: Gamma(p, ν) with ν ~ Gamma(q, v); Σ ln L over the repeat customers. */
  gammaGamma: { p: number; q: number; v: number; logLikelihood: number };
  /** Both fits converged (always true here: a fit that did not is refused with NotEnoughHistoryError). */
  converged: boolean;
  rows: number;
  skippedRows: number;
  skippedByReason: Record<string, number>;
  orders: number;
  ordersFitted: number;
  ordersAfterCalibrationEnd: number;
  ordersNotEligible: number;
}

export class ClvFitService {
  /** Reads the file and fits both models; throws NotEnoughHistoryError when the history cannot support them. */
  async fitFile(path: string, mapping: OrderColumnMapping, options: ClvFitOptions): Promise<ClvFitResult> {
    const { summaries, ...read } = await this.summariseFile(path, mapping, options);
    const model = fitClvModel(toColumns(summaries), {
      calibrationEnd: read.calibrationEnd,
      daysPerUnit: read.daysPerUnit,
    });
    const bgNbd = model.bgNbd;
    const gammaGamma = model.gammaGamma;
    return {
      file: read.file,
      currency: read.currency,
      calibrationEnd: read.calibrationEnd.toISOString().slice(0, 10),
      daysPerUnit: read.daysPerUnit,
      customers: summaries.length,
      // fitClvModel's own count (x > 0 and zbar > 0), the customers Gamma-Gamma is fitted on.
      repeatCustomers: summaries.filter((s) => s.repeatPurchases > 0 && s.meanRepeatValue > 0).length,
      bgNbd: { ...bgNbd.parameters, logLikelihood: bgNbd.logLikelihood },
      gammaGamma: { ...gammaGamma.parameters, logLikelihood: gammaGamma.logLikelihood },
      converged: bgNbd.converged && gammaGamma.converged,
      rows: read.rows,
      skippedRows: read.skippedRows,
      skippedByReason: read.skippedByReason,
      orders: read.orders,
      ordersFitted: read.ordersFitted,
      ordersAfterCalibrationEnd: read.ordersAfterCalibrationEnd,
      ordersNotEligible: read.ordersNotEligible,
    };
  }

  /** Reads the file into the per-customer summaries the models are fitted on (the first half of fitFile). */
  async summariseFile(path: string, mapping: OrderColumnMapping, options: ClvFitOptions): Promise<ClvFileSummaries> {
    const daysPerUnit = options.daysPerUnit ?? DEFAULT_DAYS_PER_UNIT;
    if (!(daysPerUnit > 0 && Number.isFinite(daysPerUnit))) {
      throw new RangeError(`daysPerUnit must be a positive number of days, got ${daysPerUnit}`);
    }
    const endDay = utcDayNumber(options.calibrationEnd);
    if (!Number.isFinite(endDay)) throw new RangeError('calibrationEnd is not a valid date');
    const calibrationEnd = new Date(endDay * MS_PER_DAY);
    // Eligibility is judged at the last moment of the end day, so the whole day counts and nothing after it.
    const asOf = new Date((endDay + 1) * MS_PER_DAY - 1);
    const placeholderCurrency = !mapping.currency && options.currency === undefined;

    const file = basename(path);
    const stats = createImportStats();
    const orders = await this.readOrders(path, file, mapping, {
      currency: placeholderCurrency ? NO_CURRENCY : options.currency,
      stats,
      onProgress: options.onProgress,
    });

    const transactions = transactionsFromOrders(orders.values(), asOf);
    let ordersAfterCalibrationEnd = 0;
    const currencies = new Set<string>(); // of the orders transactionsFromOrders kept: the same eligibility rule
    for (const order of orders.values()) {
      if (order.createdAt.getTime() > asOf.getTime()) ordersAfterCalibrationEnd++;
      else if (isEligibleOrder(order, asOf)) currencies.add(order.currency);
    }
    if (currencies.size > 1) {
      throw new RangeError(
        `the orders fitted on are in ${currencies.size} currencies (${[...currencies].sort().join(', ')}): ` +
          'amounts in different currencies cannot be added up, fit one currency at a time',
      );
    }
    const [only] = currencies;
    const currency = placeholderCurrency ? null : (only ?? options.currency?.toUpperCase() ?? null);

    return {
      file,
      currency,
      calibrationEnd,
      daysPerUnit,
      rows: stats.rows,
      skippedRows: stats.skippedRows,
      skippedByReason: { ...stats.skippedByReason },
      orders: orders.size,
      ordersFitted: transactions.length,
      ordersAfterCalibrationEnd,
      ordersNotEligible: orders.size - transactions.length - ordersAfterCalibrationEnd,
      summaries: summariseTransactions(transactions, { calibrationEnd, daysPerUnit }),
    };
  }

  /** The file's orders by id, in order of first appearance, merged as the store writer merges them. */
  private async readOrders(
    path: string,
    file: string,
    mapping: OrderColumnMapping,
    options: {
      currency: string | undefined;
      stats: ReturnType<typeof createImportStats>;
      onProgress?: (bytesRead: number, totalBytes: number) => void;
    },
  ): Promise<Map<string, OrderRecord>> {
    const totalBytes = statSync(path).size;
    let bytesRead = 0;
    const source = createReadStream(path);
    const counted = source.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytesRead += chunk.length;
          done(null, chunk);
        },
      }),
    );
    source.on('error', (error) => counted.destroy(error));
    const orders = new Map<string, OrderRecord>();
    try {
      for await (const batch of readMappedOrdersCsv(counted, file, mapping, {
        stats: options.stats,
        currency: options.currency,
      })) {
        for (const record of batch) {
          record.lines = []; // not needed for the fit; an order's lines would be most of its memory
          const seen = orders.get(record.orderId);
          orders.set(record.orderId, seen ? mergeOrdersById([seen, record])[0] : record);
        }
        options.onProgress?.(bytesRead, totalBytes);
      }
    } finally {
      source.destroy();
      counted.destroy();
    }
    return orders;
  }
}
