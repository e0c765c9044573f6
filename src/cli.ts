import { Command, CommanderError } from 'commander';
import { clvCommand } from './cli/clv.command';
import { demoCommand } from './cli/demo.command';
import { importCommand } from './cli/import.command';
import { klaviyoCommand } from './cli/klaviyo.command';
import { reportCommand } from './cli/report.command';
import { segmentCommand } from './cli/segment.command';
import { segmentsCommand } from './cli/segments.command';
import { serveCommand } from './cli/serve.command';
import { settingsCommand } from './cli/settings.command';
import { shopifyCommand } from './cli/shopify.command';
import { withWebhookCommands } from './cli/shopify-webhooks.command';
import { shopsCommand } from './cli/shops.command';
import { syncCommand } from './cli/sync.command';

/** `segment-sync <command>`: each command parses its options, calls one service and formats the result. */
export function buildProgram(): Command {
  const program = new Command('segment-sync')
    .description("Customer segments from a Shopify store's order history")
    .showHelpAfterError()
    .exitOverride();
  const commands = [
    demoCommand(),
    importCommand(),
    shopsCommand(),
    withWebhookCommands(shopifyCommand()),
    segmentCommand(),
    segmentsCommand(),
    reportCommand(),
    klaviyoCommand(),
    syncCommand(),
    settingsCommand(),
    clvCommand(),
    serveCommand(),
  ];
  for (const command of commands) {
    program.addCommand(command);
  }
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
