import { Command } from 'commander';
import { SavedSegmentsService } from '../segmentation/saved-segments.service';
import { withApplication } from './application';
import { parseCount, printJson } from './output';

interface ShopOption {
  shop?: string;
  json?: boolean;
}

const QUERY_HELP =
  "a segment query, e.g. \"amount_spent > 500 AND number_of_orders >= 3 AND customer_countries CONTAINS 'FR'\" " +
  '(grammar: src/segmentation/core/query/GRAMMAR.md)';

/** `segment-sync segments ...`: custom segments from queries. */
export function segmentsCommand(): Command {
  const command = new Command('segments').description('Preview, save, list and remove custom segments (queries)');
  command
    .command('preview <query>')
    .description(`Count and sample the customers a query selects at the latest run; <query> is ${QUERY_HELP}`)
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .option('--sample <n>', 'customers to show', parseCount('--sample'), 10)
    .option('--json', 'print JSON')
    .action((query: string, options: ShopOption & { sample: number }) =>
      withApplication(async (app) => {
        const preview = await app.get(SavedSegmentsService).preview(options.shop ?? null, query, options.sample);
        if (options.json) return printJson(preview);
        process.stdout.write(`${preview.customers.toLocaleString('en-US')} customers at run #${preview.runNumber}\n`);
        for (const c of preview.sample) {
          process.stdout.write(
            `  ${c.customerId.padEnd(16)} ${(c.email ?? '').padEnd(36)} ${String(c.numberOfOrders).padStart(4)} orders ` +
              `${c.amountSpent.toFixed(2).padStart(12)}  ${c.rfmGroup ?? 'prospect'}\n`,
          );
        }
      }),
    );
  command
    .command('save <key> <query>')
    .description('Save (or update) a segment under a key; it is evaluated at every run from then on')
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .option('--name <name>', 'display name (default: the key)')
    .option('--description <text>', 'what the segment is for')
    .option('--json', 'print JSON')
    .action((key: string, query: string, options: ShopOption & { name?: string; description?: string }) =>
      withApplication(async (app) => {
        const saved = await app
          .get(SavedSegmentsService)
          .save(options.shop ?? null, { key, query, name: options.name, description: options.description });
        if (options.json) return printJson(saved);
        process.stdout.write(`Saved segment ${saved.key} (${saved.name}): ${saved.query}\n`);
      }),
    );
  command
    .command('list')
    .description('List saved segments: the catalogue every store gets, and custom ones')
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .option('--json', 'print JSON')
    .action((options: ShopOption) =>
      withApplication(async (app) => {
        const segments = await app.get(SavedSegmentsService).list(options.shop ?? null);
        if (options.json) return printJson(segments);
        for (const s of segments) process.stdout.write(`${s.source.padEnd(9)} ${s.key.padEnd(28)} ${s.query}\n`);
      }),
    );
  command
    .command('remove <key>')
    .description('Remove a custom segment')
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .action((key: string, options: ShopOption) =>
      withApplication(async (app) => {
        await app.get(SavedSegmentsService).remove(options.shop ?? null, key);
        process.stdout.write(`Removed segment ${key}\n`);
      }),
    );
  return command;
}
