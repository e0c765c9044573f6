import { DataSource } from 'typeorm';
import type { RunSummary } from './run-summary';
import { ShopsRepository } from '../shops/shops.repository';
import { SegmentRunRepository } from './segment-run.repository';

export interface RunHistoryEntry {
  runNumber: number;
  finishedAt: string;
  groups: { group: string; customers: number }[];
}

export interface SegmentReport {
  summary: RunSummary;
  /** Earlier runs, oldest first, for trends. */
  history: RunHistoryEntry[];
}

export class NoFinishedRunError extends Error {
  constructor(domain: string) {
    super(`Shop ${domain} has no finished segment run yet: run segment-sync segment first`);
    this.name = 'NoFinishedRunError';
  }
}

/** Reads finished segment runs back for reports, the CLI and the HTTP API. */
export class SegmentReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shops: ShopsRepository,
  ) {}

  async latest(domain: string | null, historyLength = 12): Promise<SegmentReport> {
    const shop = await this.shops.resolve(domain);
    const runs = await new SegmentRunRepository(this.dataSource).recentRuns(shop.id, historyLength);
    if (runs.length === 0) {
      throw new NoFinishedRunError(shop.domain);
    }
    const summaries = runs.map((run) => run.summary as unknown as RunSummary);
    return {
      summary: summaries[0],
      history: summaries.reverse().map((summary) => ({
        runNumber: summary.runNumber,
        finishedAt: summary.finishedAt,
        groups: summary.groups.map(({ group, customers }) => ({ group, customers })),
      })),
    };
  }

  async list(domain: string | null, limit = 50): Promise<RunSummary[]> {
    const shop = await this.shops.resolve(domain);
    const runs = await new SegmentRunRepository(this.dataSource).recentRuns(shop.id, limit);
    return runs.map((run) => run.summary as unknown as RunSummary);
  }
}
