import { Command } from 'commander';
import { ImportProgressLine } from '../shopify/sync/import-progress-line';
import { ShopifyImportService } from '../shopify/sync/shopify-import.service';
import { withApplication } from './application';
import { printJson } from './output';

interface ImportOptions {
  shop?: string;
  full?: boolean;
  json?: boolean;
}

/** `segment-sync shopify import`: reads a connected store through the Admin API. */
export function shopifyCommand(): Command {
  const command = new Command('shopify').description('Read a connected Shopify store through the Admin API');
  command
    .command('import')
    .description(
      'Import customers, orders (last 10 years) and abandoned checkouts: a bulk export the first time (or with ' +
        '--full), then only what changed since the last import',
    )
    .option('--shop <domain>', 'the connected store; default: the only shop in the database')
    .option('--full', 'export everything again through bulk operations, even after an earlier import')
    .option('--json', 'print the result as JSON')
    .action((options: ImportOptions) => runImport(options));
  return command;
}

async function runImport(options: ImportOptions): Promise<void> {
  await withApplication(async (app) => {
    const progress = new ImportProgressLine();
    const result = await app.get(ShopifyImportService).import(options.shop ?? null, {
      mode: options.full ? 'full' : 'auto',
      onProgress: (update) => progress.report(update),
    });
    progress.done();
    if (options.json) return printJson(result);
    const parts = result.resources.map(
      (r) => `${r.records.toLocaleString('en-US')} ${r.resource} (${r.mode === 'bulk' ? 'bulk export' : 'changes'})`,
    );
    process.stdout.write(`Imported ${parts.join(', ')} from ${result.shop} in ${result.seconds.toFixed(1)} s\n`);
  });
}
