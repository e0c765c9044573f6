import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RunSummary } from '../segmentation/run-summary';
import { SegmentRunService, type SegmentRunStep } from '../segmentation/segment-run.service';
import { ShopsRepository } from '../shops/shops.repository';
import { StoreRepository } from '../store/store.repository';
import { generateSampleStore, sampleShop } from './sample-store';

export interface DemoOptions {
  customers: number;
  seed: number;
  /** The end of the store's history and the run's as-of moment. */
  asOf: Date;
  onGenerated?: (customers: number, orders: number) => void;
  onRunStep?: (step: SegmentRunStep) => void;
}

export interface DemoResult {
  shopDomain: string;
  customers: number;
  orders: number;
  checkouts: number;
  writeSeconds: number;
  summary: RunSummary;
}

/**
 * `segment-sync demo`: writes the deterministic sample store into the database, batch by batch as the
 * generator yields it (memory stays flat), then runs the segmentation on it.
 */
export class DemoService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shops: ShopsRepository,
    private readonly segmentRuns: SegmentRunService,
  ) {}

  async run(options: DemoOptions): Promise<DemoResult> {
    const details = sampleShop();
    const shop = await this.shops.ensure(details.domain, details);
    const started = Date.now();
    const counts = await this.writeSampleStore(shop.id, options);
    await new StoreRepository(this.dataSource).refreshStatistics();
    const writeSeconds = (Date.now() - started) / 1000;
    const summary = await this.segmentRuns.run(shop, {
      asOf: options.asOf,
      seed: options.seed,
      onStep: options.onRunStep,
    });
    return { shopDomain: shop.domain, ...counts, writeSeconds, summary };
  }

  /** One transaction per batch of about a thousand customers with their orders and checkouts. */
  private async writeSampleStore(shopId: number, options: DemoOptions) {
    const counts = { customers: 0, orders: 0, checkouts: 0 };
    // A fresh import id: records of one order within this demo merge, a re-run replaces rather than adds.
    const importId = randomUUID();
    const batches = generateSampleStore({ customers: options.customers, seed: options.seed, asOf: options.asOf });
    for (const batch of batches) {
      await this.dataSource.transaction(async (manager) => {
        const store = new StoreRepository(manager);
        await store.upsertCustomers(shopId, batch.customers);
        await store.upsertOrders(shopId, batch.orders, importId);
        await store.upsertCheckouts(shopId, batch.checkouts);
      });
      counts.customers += batch.customers.length;
      counts.orders += batch.orders.length;
      counts.checkouts += batch.checkouts.length;
      options.onGenerated?.(counts.customers, counts.orders);
    }
    return counts;
  }
}
