import { Command } from 'commander';
import { CustomerDataRequestsService } from '../shopify/compliance/customer-data-requests.service';
import { WebhookRegistrationService } from '../shopify/webhooks/webhook-registration.service';
import { withApplication } from './application';
import { printJson } from './output';

/**
 * `segment-sync shopify webhooks register` and `segment-sync shopify data-request`, added to the `shopify`
 * command.
 */
export function withWebhookCommands(shopify: Command): Command {
  const webhooks = new Command('webhooks').description("Shopify webhooks: keep the store's data current between imports");
  webhooks
    .command('register')
    .description(
      'Subscribe the store to its order, refund, customer, checkout and uninstall webhooks at SHOPIFY_APP_URL/webhooks/shopify ' +
        '(topics already subscribed there are left as they are)',
    )
    .option('--shop <domain>', 'the connected store; default: the only shop in the database')
    .option('--json', 'print the result as JSON')
    .action((options: { shop?: string; json?: boolean }) =>
      withApplication(async (app) => {
        const result = await app.get(WebhookRegistrationService).register(options.shop ?? null);
        if (options.json) return printJson(result);
        process.stdout.write(
          `${result.shop}: webhooks delivered to ${result.callbackUrl}\n` +
            `created ${result.created.length}${result.created.length ? ` (${result.created.join(', ')})` : ''}, ` +
            `already there ${result.existing.length}\n`,
        );
      }),
    );
  shopify.addCommand(webhooks);
  shopify
    .command('data-request')
    .description("Print, as JSON, everything stored about one customer (what Shopify's customers/data_request asks for); the request is recorded")
    .requiredOption('--customer <id>', "the customer's Shopify id")
    .option('--shop <domain>', 'the store; default: the only shop in the database')
    .action((options: { shop?: string; customer: string }) =>
      withApplication(async (app) => {
        printJson(await app.get(CustomerDataRequestsService).export(options.shop ?? null, options.customer));
      }),
    );
  return shopify;
}
