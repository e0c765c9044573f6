import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderHtmlReport } from '../reporting/html-report';
import type { RunSummary } from '../segmentation/run-summary';
import type { RunHistoryEntry } from '../segmentation/segment-reports.service';

/** Writes the HTML report and returns its absolute path. */
export function writeReport(path: string, summary: RunSummary, history: RunHistoryEntry[] = []): string {
  const absolute = resolve(path);
  writeFileSync(absolute, renderHtmlReport(summary, history));
  return absolute;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Whole-number options such as --customers 20000 or --customers 20_000. */
export function parseCount(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got '${value}'`);
    return n;
  };
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--seed must be a whole number ≥ 0, got '${value}'`);
  return n;
}

/** --scheme kmeans|shopify: which grouping a command prints. */
export function parseScheme(value: string): 'kmeans' | 'shopify' {
  if (value !== 'kmeans' && value !== 'shopify') throw new Error(`--scheme must be kmeans or shopify, got '${value}'`);
  return value;
}

/** --as-of 2026-11-27 or a full ISO date-time. */
export function parseAsOf(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new Error(`--as-of must be a date such as 2026-11-27 or 2026-11-27T06:00:00Z, got '${value}'`);
  }
  return date;
}
