import { statSync } from 'node:fs';
import { Command } from 'commander';
import { createProgress } from '../reporting/progress';
import { parseColumnMapping } from '../shopify/csv';
import { ClvFitService } from '../segmentation/clv-fit.service';
import { printJson } from './output';

interface ClvFitCommandOptions {
  map: string;
  calibrationEnd: Date;
  currency?: string;
  daysPerUnit: number;
  json?: boolean;
}

export function clvCommand(): Command {
  const command = new Command('clv').description(
    'Predicted customer lifetime value: BG/NBD (orders, P(alive)) and Gamma-Gamma (order value)',
  );
  command
    .command('fit <file>')
    .summary('fit the models on an orders CSV and print their parameters and log-likelihoods as JSON')
    .description(
      'Fit the lifetime-value models on an orders CSV and print the fitted parameters and log-likelihoods as JSON. ' +
        'Needs no database. Refuses a store with too little history (fewer than 200 customers, 50 repeat ' +
        'customers or 90 days) with "not enough history" and no numbers',
    )
    .requiredOption(
      '--map <mapping>',
      'column mapping, as for `import orders --map`: customer=...,date=... and amount=... (or quantity=...,price=...), ' +
        'optionally order=...,status=...,refunded=...,currency=...',
    )
    .requiredOption(
      '--calibration-end <date>',
      'last day (UTC, inclusive) of the history fitted on, e.g. 1997-09-30; later orders are left out',
      parseCalibrationEnd,
    )
    .option('--currency <code>', "currency of a file without a currency column (only labels the output)")
    .option(
      '--days-per-unit <days>',
      'days in one model time unit: r, alpha and the times are per unit (7 = weeks, as CDNOW is published)',
      parseDaysPerUnit,
      7,
    )
    .option('--json', 'print JSON (the default and only format; accepted like the other commands\' --json)')
    .action((file: string, options: ClvFitCommandOptions) => runFit(file, options));
  return command;
}

/**
 * No withApplication here, deliberately: it creates the Nest application context, whose DatabaseModule opens
 * (and migrates, and locks) the embedded database or DATABASE_URL. Fitting a file needs none of that, and
 * must work where there is no database at all, so the command calls the service directly.
 */
async function runFit(file: string, options: ClvFitCommandOptions): Promise<void> {
  const mapping = parseColumnMapping(options.map);
  const kib = Math.ceil(statSync(file).size / 1024);
  const progress = createProgress({ label: 'clv fit: read orders', total: kib, unit: 'KiB' });
  const result = await new ClvFitService().fitFile(file, mapping, {
    calibrationEnd: options.calibrationEnd,
    daysPerUnit: options.daysPerUnit,
    currency: options.currency,
    onProgress: (bytes) => progress.set(Math.floor(bytes / 1024)),
  });
  const rows = result.rows.toLocaleString('en-US');
  progress.done(`${rows} rows, ${result.customers.toLocaleString('en-US')} customers fitted`);
  printJson(result);
}

/** A calendar day written YYYY-MM-DD, read as that day in UTC. */
function parseCalibrationEnd(value: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== value.trim()) {
    throw new Error(`--calibration-end must be a calendar day written YYYY-MM-DD, such as 1997-09-30, got '${value}'`);
  }
  return date;
}

function parseDaysPerUnit(value: string): number {
  const days = Number(value);
  if (value.trim() === '' || !Number.isFinite(days) || days <= 0) {
    throw new Error(`--days-per-unit must be a positive number of days (7 for weeks), got '${value}'`);
  }
  return days;
}
