import { Command } from 'commander';
import { ShopSettingsService } from '../segmentation/shop-settings.service';
import { withApplication } from './application';
import { printJson } from './output';

/** `segment-sync settings show|set`: a shop's VIP tier settings and RFM scheme, as JSON. */
export function settingsCommand(): Command {
  const command = new Command('settings').description("Show or change a shop's segmentation settings (VIP tiers, RFM scheme)");
  command
    .command('show')
    .description('Print the settings in force (defaults filled in) as JSON')
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .action((options: { shop?: string }) =>
      withApplication(async (app) => printJson(await app.get(ShopSettingsService).show(options.shop ?? null))),
    );
  command
    .command('set <json>')
    .description(
      'Change settings with a JSON object, e.g. \'{"rfmScheme":"shopify"}\' or ' +
        '\'{"vip":{"mode":"absolute","absolute":{"silver":500,"gold":1000,"platinum":2500}}}\'; null resets a key',
    )
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .action((json: string, options: { shop?: string }) => {
      let patch: unknown;
      try {
        patch = JSON.parse(json);
      } catch (error) {
        throw new Error(`settings set: not JSON: ${(error as Error).message}`);
      }
      return withApplication(async (app) => printJson(await app.get(ShopSettingsService).update(options.shop ?? null, patch)));
    });
  return command;
}
