import { Command } from 'commander';
import { startOfUtcDay } from '../demo/calendar';
import { DemoService } from '../demo/demo.service';
import { formatPlan } from '../klaviyo/core/sync-plan';
import { KlaviyoPlanService } from '../klaviyo/klaviyo-plan.service';
import { createProgress } from '../reporting/progress';
import { formatRunTable } from '../reporting/terminal-table';
import { withApplication } from './application';
import { createRunProgress } from './run-progress';
import { parseAsOf, parseCount, parseSeed, printJson, writeReport } from './output';

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Create the sample store (deterministic from a seed: ~20,000 customers, 3 years of orders), segment it and print the result',
    )
    .option('--customers <n>', 'number of customers to generate', parseCount('--customers'), 20_000)
    .option('--seed <n>', 'seed of the generator', parseSeed, 1)
    .option('--as-of <date>', 'end of the generated history and the run date (default: today, 00:00 UTC)', parseAsOf)
    .option('--out <file>', 'HTML report to write', 'segment-report.html')
    .option('--json', 'print the run summary as JSON instead of a table')
    .action(async (options: { customers: number; seed: number; asOf?: Date; out: string; json?: boolean }) => {
      await withApplication(async (app) => {
        const progress = createProgress({ label: 'generate and import', total: options.customers, unit: 'customers' });
        const runProgress = createRunProgress();
        const result = await app.get(DemoService).run({
          customers: options.customers,
          seed: options.seed,
          asOf: options.asOf ?? startOfUtcDay(new Date()),
          onGenerated: (customers) => progress.set(customers),
          onRunStep: (step) => {
            if (step === 'features') progress.done(`${options.customers.toLocaleString('en-US')} customers written`);
            runProgress.step(step);
          },
        });
        runProgress.done(result.summary.customers);
        const report = writeReport(options.out, result.summary);
        if (options.json) return printJson(result.summary);
        process.stdout.write(
          `Sample store ${result.shopDomain}: ${result.customers.toLocaleString('en-US')} customers, ` +
            `${result.orders.toLocaleString('en-US')} orders, ${result.checkouts.toLocaleString('en-US')} abandoned checkouts ` +
            `written in ${result.writeSeconds.toFixed(1)} s\n\n`,
        );
        process.stdout.write(formatRunTable(result.summary, { color: process.stdout.isTTY }) + '\n');
        // Without a Klaviyo key, show what a sync would push (computed, nothing sent).
        const plan = await app.get(KlaviyoPlanService).plan(result.shopDomain);
        if (!plan.connected) process.stdout.write(`\n${formatPlan(plan)}\n  connect: segment-sync klaviyo connect --key pk_...\n`);
        process.stdout.write(`\nHTML report: ${report}\n`);
      });
    });
}
