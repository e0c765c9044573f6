import { Command } from 'commander';
import { formatRunTable } from '../reporting/terminal-table';
import { SegmentRunService } from '../segmentation/segment-run.service';
import { withApplication } from './application';
import { createRunProgress } from './run-progress';
import { parseAsOf, parseScheme, parseSeed, printJson } from './output';
import { formatShopifyGroupsTable } from '../reporting/shopify-groups';

export function segmentCommand(): Command {
  return new Command('segment')
    .description("Run the segmentation of a shop: RFM scores, the six K-means groups, and the diff with the shop's previous run")
    .option('--shop <domain>', 'shop to segment; default: the only shop in the database')
    .option('--as-of <date>', 'moment recency is measured from (default: now)', parseAsOf)
    .option('--seed <n>', 'K-means seed (default: SEGMENT_SYNC_CLUSTER_SEED or 42)', parseSeed)
    .option('--json', 'print the run summary as JSON')
    .option('--scheme <scheme>', "groups to print: kmeans (the six K-means groups) or shopify (Shopify's RFM groups)", parseScheme)
    .action(async (options: { shop?: string; asOf?: Date; seed?: number; json?: boolean; scheme?: 'kmeans' | 'shopify' }) => {
      await withApplication(async (app) => {
        const progress = createRunProgress();
        const summary = await app.get(SegmentRunService).runShop(options.shop ?? null, {
          asOf: options.asOf,
          seed: options.seed,
          onStep: progress.step,
        });
        progress.done(summary.customers);
        if (options.json) return printJson(summary);
        const scheme = options.scheme ?? summary.rfmScheme ?? 'kmeans';
        process.stdout.write(
          (scheme === 'shopify'
            ? formatShopifyGroupsTable(summary)
            : formatRunTable(summary, { color: process.stdout.isTTY })) + '\n',
        );
      });
    });
}
