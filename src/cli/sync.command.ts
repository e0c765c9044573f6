import { Command } from 'commander';
import { formatPlan } from '../klaviyo/core/sync-plan';
import { KlaviyoPlanService } from '../klaviyo/klaviyo-plan.service';
import { KlaviyoSyncService, type SyncReport } from '../klaviyo/klaviyo-sync.service';
import type { SyncProgress } from '../klaviyo/sync-progress';
import { createProgress, type Progress } from '../reporting/progress';
import { withApplication } from './application';
import { printJson } from './output';

/** `segment-sync sync [--shop D] [--dry-run]`: the shop's latest segment run pushed to Klaviyo. */
export function syncCommand(): Command {
  return new Command('sync')
    .description("Push the shop's latest segment run to Klaviyo: lists, profile properties, Entered Segment events")
    .option('--shop <domain>', 'shop; default: the only shop in the database')
    .option('--dry-run', 'print the plan (lists to create, profiles per list, removals, events, a sample) and call nothing')
    .option('--json', 'print the result as JSON')
    .action((options: { shop?: string; dryRun?: boolean; json?: boolean }) =>
      withApplication(async (app) => {
        if (options.dryRun) {
          const plan = await app.get(KlaviyoPlanService).plan(options.shop ?? null);
          return options.json ? printJson(plan) : void process.stdout.write(formatPlan(plan) + '\n');
        }
        const report = await app.get(KlaviyoSyncService).sync(options.shop ?? null, terminalProgress());
        if (options.json) return printJson(report);
        process.stdout.write(formatReport(report) + '\n');
      }),
    );
}

/** Progress bars on stderr: profiles sent (with jobs pending, list removals and rate-limit waits), then events. */
function terminalProgress(): SyncProgress {
  let bar: Progress | null = null;
  let label = '';
  let extra = { jobsPending: 0, rateLimitWaits: 0, removed: 0 };
  const relabel = () =>
    bar?.update(
      `${label} (${extra.jobsPending} jobs pending, ${extra.removed.toLocaleString('en-US')} list removals, ` +
        `${extra.rateLimitWaits} rate-limit waits)`,
    );
  return {
    phase: (name, total) => {
      label = name;
      bar = createProgress({ label: name, total, unit: name.split(' ').pop() });
    },
    advance: (n) => bar?.tick(n),
    status: (figures) => {
      extra = { ...extra, ...figures };
      relabel();
    },
    done: (message) => bar?.done(message),
  };
}

function formatReport(report: SyncReport): string {
  const int = (n: number) => n.toLocaleString('en-US');
  const calls = Object.values(report.calls).reduce((a, b) => a + b, 0);
  const lines = [
    `Synced ${report.shop} run #${report.runNumber} to Klaviyo in ${report.seconds.toFixed(1)} s${report.resumed ? ' (resumed)' : ''}:`,
    `  lists: ${report.lists.created.length} created, ${report.lists.recovered.length} recovered, ${report.lists.deferred.length} deferred`,
    `  profiles: ${int(report.profiles.sent)} sent in ${report.jobs} jobs, ${int(report.profiles.confirmed)} confirmed, ` +
      `${int(report.profiles.rejected)} rejected (see klaviyo_import_errors), ${int(report.profiles.skippedUnreachable)} skipped (no email or phone)`,
    `  list removals: ${int(report.removals)}; "Entered Segment" events: ${int(report.events)}; privacy deletions: ${report.deletions}`,
    `  API calls: ${int(calls)}; rate-limit waits: ${report.rateLimitWaitSeconds.toFixed(1)} s; throttled answers: ${report.throttled}`,
    ...report.messages.map((message) => `  note: ${message}`),
  ];
  return lines.join('\n');
}
