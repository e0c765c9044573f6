import { Command } from 'commander';
import { KlaviyoConnectService } from '../klaviyo/klaviyo-connect.service';
import { KlaviyoSettingsService } from '../klaviyo/klaviyo-settings.service';
import { withApplication } from './application';
import { printJson } from './output';

/** `segment-sync klaviyo connect|disconnect|segments`: a shop's Klaviyo key and the saved segments it syncs. */
export function klaviyoCommand(): Command {
  const command = new Command('klaviyo').description("Connect a shop to Klaviyo and choose the saved segments synced as lists");
  command
    .command('connect')
    .description('Check a private API key against Klaviyo and store it sealed (it is never printed or logged)')
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .requiredOption('--key <pk>', 'the private API key (pk_...); or set KLAVIYO_PRIVATE_KEY and pass --key -')
    .action((options: { shop?: string; key: string }) => {
      const key = options.key === '-' ? (process.env.KLAVIYO_PRIVATE_KEY ?? '') : options.key;
      return withApplication(async (app) => {
        const result = await app.get(KlaviyoConnectService).connect(options.shop ?? null, key);
        process.stdout.write(`Connected ${result.shop} to Klaviyo${result.account ? ` (${result.account})` : ''}; the key is stored sealed.\n`);
      });
    });
  command
    .command('disconnect')
    .description("Forget the shop's Klaviyo key")
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .action((options: { shop?: string }) =>
      withApplication(async (app) => {
        const result = await app.get(KlaviyoConnectService).disconnect(options.shop ?? null);
        process.stdout.write(`Disconnected ${result.shop} from Klaviyo.\n`);
      }),
    );
  command
    .command('segments [keys...]')
    .description('Saved segments synced as Klaviyo lists besides the RFM groups and VIP tiers (no keys: show them; "none": clear)')
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .action((keys: string[], options: { shop?: string }) =>
      withApplication(async (app) => printJson(await app.get(KlaviyoSettingsService).segments(options.shop ?? null, keys))),
    );
  return command;
}
