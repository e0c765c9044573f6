import { statSync } from 'node:fs';
import { Command } from 'commander';
import { createProgress } from '../reporting/progress';
import { parseColumnMapping } from '../shopify/csv';
import { StoreImportService, type ImportKind } from '../shopify/store-import.service';
import { ShopsRepository } from '../shops/shops.repository';
import { withApplication } from './application';
import { printJson } from './output';

interface ImportOptions {
  shop?: string;
  map?: string;
  currency?: string;
  json?: boolean;
}

export function importCommand(): Command {
  const command = new Command('import').description('Import a CSV file into a shop, all or nothing');
  for (const kind of ['customers', 'orders'] as const) {
    command
      .command(`${kind} <file>`)
      .description(
        kind === 'customers'
          ? "Import Shopify's customers export (Customers > Export)"
          : "Import Shopify's orders export, or any orders CSV with --map",
      )
      .option('--shop <domain>', 'shop to import into (created if new); default: the only shop in the database')
      .option('--currency <code>', 'currency of a --map file without a currency column (default: the shop\'s)')
      .option('--json', 'print the import result as JSON')
      .option(
        '--map <mapping>',
        'column mapping of a generic orders CSV, e.g. customer=CustomerID,date=InvoiceDate,order=InvoiceNo,quantity=Quantity,price=UnitPrice (or amount=Total)',
      )
      .action((file: string, options: ImportOptions) => runImport(kind, file, options));
  }
  return command;
}

async function runImport(kind: ImportKind, file: string, options: ImportOptions): Promise<void> {
  if (options.map && kind === 'customers') throw new Error('--map applies to orders files only');
  const mapping = options.map ? parseColumnMapping(options.map) : undefined;
  await withApplication(async (app) => {
    const shops = app.get(ShopsRepository);
    const shop = options.shop
      ? await shops.ensure(options.shop, { currency: options.currency })
      : await shops.resolve(null);
    // The file's size is the one total known up front, so the bar measures the file read so far.
    const progress = createProgress({ label: `import ${kind}`, total: Math.ceil(statSync(file).size / 1024), unit: 'KiB' });
    const result = await app.get(StoreImportService).importFile(kind, file, {
      shopId: shop.id,
      mapping,
      currency: options.currency ?? shop.currency,
      onProgress: (bytes) => progress.set(Math.floor(bytes / 1024)),
    });
    progress.done(`${result.rows.toLocaleString('en-US')} rows`);
    if (options.json) return printJson(result);
    const skipped = Object.entries(result.skippedByReason)
      .map(([reason, count]) => `${count} ${reason}`)
      .join(', ');
    process.stdout.write(
      `Imported ${result.records.toLocaleString('en-US')} ${kind} from ${result.rows.toLocaleString('en-US')} rows ` +
        `of ${file} into ${shop.domain} in ${result.seconds.toFixed(1)} s` +
        (result.skippedRows ? `; skipped ${result.skippedRows} rows (${skipped})` : '') +
        '\n',
    );
  });
}
