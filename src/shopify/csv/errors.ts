/**
 * Errors and counters shared by the CSV readers.
 *
 * A reader never yields a record built from a bad row: it throws a CsvImportError that names the file, the
 * physical line (1 = the header line; a quoted field spanning several lines counts all of them) and the
 * column (the header's own spelling), with a reason in plain words.
 */

export class CsvImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: string | null,
    readonly reason: string,
  ) {
    super(column === null ? `${file}:${line}: ${reason}` : `${file}:${line}: column "${column}": ${reason}`);
    this.name = 'CsvImportError';
  }
}

/**
 * Thrown by the field parsers in fields.ts, which know the value but not where it came from; the row reader
 * turns it into a CsvImportError with the file, line and column.
 */
export class FieldError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FieldError';
  }
}

/**
 * What a reader did, for the caller to report after (or during) the import. Pass an object made by
 * `createImportStats()` in the options; the reader updates it as it goes.
 */
export interface CsvImportStats {
  /** Data rows read (the header and blank lines excluded). */
  rows: number;
  /** Records yielded. */
  records: number;
  /** Rows left out on purpose (for instance anonymous rows without a customer), not errors. */
  skippedRows: number;
  /** skippedRows by reason. */
  skippedByReason: Record<string, number>;
}

export function createImportStats(): CsvImportStats {
  return { rows: 0, records: 0, skippedRows: 0, skippedByReason: {} };
}

/** Common options of every reader. */
export interface CsvReadOptions {
  /** Records per yielded batch; default 1000. */
  batchSize?: number;
  /** Filled in as the file is read. */
  stats?: CsvImportStats;
  /** Called for every row left out on purpose, with its line and reason. */
  onSkip?: (line: number, reason: string) => void;
}
