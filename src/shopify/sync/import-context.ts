import type { DataSource } from 'typeorm';
import type { ShopRecord } from '../../shops/shops.repository';
import type { ShopifyResource } from '../core/bulk-failures';
import type { AdminApiClient } from '../admin/admin-api-client';
import type { BulkOperationOptions } from './bulk-operations';

export interface ImportProgress {
  resource: ShopifyResource;
  phase: 'exporting' | 'writing' | 'paging' | 'done';
  /** Records written so far for this resource (exporting: objects Shopify has exported). */
  count: number;
}

export interface ResourceImport {
  resource: ShopifyResource;
  mode: 'bulk' | 'incremental';
  records: number;
  /** Where the next incremental import of this resource starts. */
  watermark: string;
}

/** A bulk import's step (`download+stage`, `merge orders`, ...) of one resource, and how long it took. */
export type ImportStepListener = (resource: ShopifyResource, step: string, seconds: number) => void;

/** What one resource's import needs: where to write, whom to ask, and the time that bounds the history. */
export interface ImportContext {
  dataSource: DataSource;
  shop: ShopRecord;
  client: AdminApiClient;
  scopes: string[];
  now: Date;
  bulk: BulkOperationOptions;
  onProgress?: (progress: ImportProgress) => void;
  /** Called as each step of a bulk import ends, with its duration (benchmarks print them). */
  onStep?: ImportStepListener;
  /**
   * When the resources are imported at the same time: settles once customers are committed. Orders wait for
   * it before they write guest orders (matched to customers by email) and stub buyers (which must not race
   * the customers' own rows). Absent when customers were imported before.
   */
  customersWritten?: Promise<void>;
  /** Called after each committed page of an incremental import (tests inject a crash here). */
  afterPage?: (resource: ShopifyResource, page: number) => void | Promise<void>;
}
