import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { DataSource } from 'typeorm';
import { StoreRepository } from '../store/store.repository';
import type { CustomerRecord, OrderRecord } from '../store/store-records';
import {
  createImportStats,
  readMappedOrdersCsv,
  readShopifyCustomersCsv,
  readShopifyOrdersCsv,
  type CsvImportStats,
  type OrderColumnMapping,
} from './csv';

export type ImportKind = 'customers' | 'orders';

export interface ImportFileOptions {
  shopId: number;
  /** A column mapping makes an orders file a generic CSV; without one it is read as Shopify's orders export. */
  mapping?: OrderColumnMapping;
  /** Currency of a generic orders file without a currency column (the shop's by default). */
  currency: string;
  /** Bytes read so far, of the file's total size: for a progress bar. */
  onProgress?: (bytesRead: number, totalBytes: number, stats: CsvImportStats) => void;
}

export interface ImportResult {
  file: string;
  kind: ImportKind;
  format: 'shopify-customers' | 'shopify-orders' | 'mapped-orders';
  rows: number;
  records: number;
  skippedRows: number;
  skippedByReason: Record<string, number>;
  seconds: number;
}

/**
 * Imports one CSV file, all or nothing: the file streams through its reader in batches and every batch is
 * written inside one transaction, so memory stays flat and a malformed row anywhere (reported with file,
 * line, column and reason) leaves nothing of the file in the database. Upserts make a re-import update
 * rather than duplicate.
 */
export class StoreImportService {
  constructor(private readonly dataSource: DataSource) {}

  async importFile(kind: ImportKind, path: string, options: ImportFileOptions): Promise<ImportResult> {
    const started = Date.now();
    const totalBytes = statSync(path).size;
    const file = basename(path);
    const stats = createImportStats();
    let bytesRead = 0;
    const counted = createReadStream(path).pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytesRead += chunk.length;
          done(null, chunk);
        },
      }),
    );
    const format = kind === 'customers' ? 'shopify-customers' : options.mapping ? 'mapped-orders' : 'shopify-orders';
    const importId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      const store = new StoreRepository(manager);
      if (format === 'shopify-customers') {
        for await (const batch of readShopifyCustomersCsv(counted, file, { stats })) {
          await store.upsertCustomers(options.shopId, batch as CustomerRecord[]);
          options.onProgress?.(bytesRead, totalBytes, stats);
        }
        return;
      }
      const batches =
        format === 'mapped-orders'
          ? readMappedOrdersCsv(counted, file, options.mapping!, { stats, currency: options.currency })
          : readShopifyOrdersCsv(counted, file, { stats });
      for await (const batch of batches) {
        await store.upsertOrders(options.shopId, batch as OrderRecord[], importId);
        options.onProgress?.(bytesRead, totalBytes, stats);
      }
    });
    await new StoreRepository(this.dataSource).refreshStatistics();
    return {
      file: path,
      kind,
      format,
      rows: stats.rows,
      records: stats.records,
      skippedRows: stats.skippedRows,
      skippedByReason: stats.skippedByReason,
      seconds: (Date.now() - started) / 1000,
    };
  }
}
