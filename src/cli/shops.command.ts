import { Command } from 'commander';
import { ShopConnectionService } from '../shopify/admin/shop-connection.service';
import { withApplication } from './application';
import { printJson } from './output';

interface AddOptions {
  domain: string;
  token?: string;
  json?: boolean;
}

/** `segment-sync shops add`: connects a store with a custom app's Admin API access token. */
export function shopsCommand(): Command {
  const command = new Command('shops').description('Connect Shopify stores');
  command
    .command('add')
    .description(
      "Connect a store with a custom app's Admin API access token: the token is checked against the store, stored " +
        'sealed (SEGMENT_SYNC_SECRET_KEY), and the store\'s name, currency and time zone are read from it',
    )
    .requiredOption('--domain <domain>', 'the store, e.g. my-store.myshopify.com')
    .option('--token <token>', 'the Admin API access token (shpat_...); default: the SHOPIFY_ACCESS_TOKEN variable')
    .option('--json', 'print the result as JSON')
    .action((options: AddOptions) => addShop(options));
  return command;
}

async function addShop(options: AddOptions): Promise<void> {
  // The environment keeps the token out of the shell history and the process list.
  const token = options.token ?? process.env.SHOPIFY_ACCESS_TOKEN ?? '';
  if (!token) throw new Error('shops add needs --token <Admin API access token> (or SHOPIFY_ACCESS_TOKEN)');
  await withApplication(async (app) => {
    const { shop, scopes } = await app.get(ShopConnectionService).connect(options.domain, token);
    const result = { domain: shop.domain, name: shop.name, currency: shop.currency, timezone: shop.timezone, scopes };
    if (options.json) return printJson(result);
    process.stdout.write(
      `Connected ${shop.domain} (${shop.name}): currency ${shop.currency}, time zone ${shop.timezone}\n` +
        `Granted scopes: ${scopes.join(', ') || '(none)'}\n`,
    );
  });
}
