import { Command } from 'commander';
import { SegmentReportsService } from '../segmentation/segment-reports.service';
import { withApplication } from './application';
import { writeReport } from './output';

export function reportCommand(): Command {
  return new Command('report')
    .description("Write the HTML report of a shop's latest segment run (opens in a browser without a network)")
    .option('--shop <domain>', 'shop to report on; default: the only shop in the database')
    .option('--out <file>', 'file to write', 'segment-report.html')
    .action(async (options: { shop?: string; out: string }) => {
      await withApplication(async (app) => {
        const { summary, history } = await app.get(SegmentReportsService).latest(options.shop ?? null);
        process.stdout.write(`${writeReport(options.out, summary, history)}\n`);
      });
    });
}
