import { Command } from 'commander';
import { formatRunTable } from '../reporting/terminal-table';
import { SegmentRunService } from '../segmentation/segment-run.service';
import { withApplication } from './application';
import { createRunProgress } from './run-progress';
import { parseAsOf, parseSeed, printJson } from './output';

export function segmentCommand(): Command {
  return new Command('segment')
    .description("Run the segmentation of a shop: RFM scores, the six K-means groups, and the diff with the shop's previous run")
    .option('--shop <domain>', 'shop to segment; default: the only shop in the database')
    .option('--as-of <date>', 'moment recency is measured from (default: now)', parseAsOf)
    .option('--seed <n>', 'K-means seed (default: SEGMENT_SYNC_CLUSTER_SEED or 42)', parseSeed)
    .option('--json', 'print the run summary as JSON')
    .action(async (options: { shop?: string; asOf?: Date; seed?: number; json?: boolean }) => {
      await withApplication(async (app) => {
        const progress = createRunProgress();
        const summary = await app.get(SegmentRunService).runShop(options.shop ?? null, {
          asOf: options.asOf,
          seed: options.seed,
          onStep: progress.step,
        });
        progress.done(summary.customers);
        if (options.json) return printJson(summary);
        process.stdout.write(formatRunTable(summary, { color: process.stdout.isTTY }) + '\n');
      });
    });
}
