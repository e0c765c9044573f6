/**
 * The streaming core under every reader: csv-parse fed from the input stream with back-pressure, yielding one
 * row at a time with its physical line number, so memory does not grow with the file.
 *
 * Line numbers: csv-parse's own `info.lines` counts a CRLF inside a quoted field as two lines, so we count
 * ourselves: a record starts one line after the previous one ended, plus the blank lines skipped in between
 * (`info.empty_lines`), and ends as many lines further as its fields hold line breaks.
 */
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';
import { CsvImportError, FieldError, type CsvImportStats } from './errors';

export interface CsvRow {
  /** Physical line where the record starts (1 = first line of the file). */
  line: number;
  values: string[];
}

/** Longest record accepted; a longer one is almost always a quote left open, and must not eat the memory. */
const MAX_RECORD_CHARS = 1_000_000;
/** How much of the file's start is inspected to find the header line and its delimiter. */
const SNIFF_BYTES = 64 * 1024;
const DELIMITER_CANDIDATES = [',', ';', '\t'];

type Chunk = string | Buffer;

/**
 * Every record of the file, the header first, each with its start line. Records with a different number of
 * fields than the header are errors. Throws when the file is empty or not valid CSV.
 */
export async function* readCsvRows(
  input: NodeJS.ReadableStream,
  file: string,
  options: { delimiter?: string; onDelimiter?: (delimiter: string) => void } = {},
): AsyncGenerator<CsvRow> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Chunk>;
  const head: Chunk[] = [];
  let headText = '';
  let exhausted = false;
  while (!exhausted && headText.length < SNIFF_BYTES && !hasLineEnd(headText)) {
    const next = await chunks.next();
    if (next.done) exhausted = true;
    else {
      head.push(next.value);
      headText += typeof next.value === 'string' ? next.value : next.value.toString('latin1');
    }
  }
  const chosen = options.delimiter ?? detectDelimiter(headText);
  options.onDelimiter?.(chosen);

  async function* source(): AsyncGenerator<Chunk> {
    try {
      yield* head;
      head.length = 0;
      while (!exhausted) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await chunks.return?.();
    }
  }

  const parser = parse({
    delimiter: chosen,
    bom: true,
    info: true,
    relax_column_count: true, // checked below, to report the right line
    relax_quotes: true, // a stray quote inside an unquoted field (12" pizza) is data
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  pipeline(Readable.from(source()), parser, () => undefined);

  let nextLine = 1;
  let emptyLines = 0;
  let quirk = 0; // csv-parse's line count minus ours, for its error positions
  let width = -1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const line = nextLine + (info.empty_lines - emptyLines);
      emptyLines = info.empty_lines;
      let breaks = 0;
      for (const value of record) breaks += countLineBreaks(value);
      nextLine = line + breaks + 1;
      quirk = info.lines - (line + breaks);
      if (width < 0) width = record.length;
      else if (record.length !== width) {
        throw new CsvImportError(file, line, null, `expected ${width} fields as in the header, got ${record.length}`);
      }
      yield { line, values: record };
    }
  } catch (error) {
    if (error instanceof CsvImportError || !isCsvError(error)) throw error;
    const unfinished = nextLine + (Number(error.empty_lines ?? emptyLines) - emptyLines);
    throw new CsvImportError(file, parseErrorLine(error, unfinished, quirk), null, parseErrorReason(error));
  } finally {
    parser.destroy();
  }
  if (width < 0) throw new CsvImportError(file, 1, null, 'the file is empty (expected a header line)');
}

function hasLineEnd(text: string): boolean {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) return true;
  }
  return false;
}

/** The most frequent of , ; and tab outside quotes on the header line (the comma on a tie or when none). */
export function detectDelimiter(text: string): string {
  const counts = new Map(DELIMITER_CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const d of DELIMITER_CANDIDATES) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) count++;
    else if (c === 13) {
      count++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return count;
}

function isCsvError(error: unknown): error is CsvError {
  return error instanceof CsvError;
}

function parseErrorLine(error: CsvError, unfinishedRecordLine: number, quirk: number): number {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_MAX_RECORD_SIZE':
      return unfinishedRecordLine;
    default:
      return typeof error.lines === 'number' ? Math.max(1, error.lines - quirk) : unfinishedRecordLine;
  }
}

function parseErrorReason(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field that starts in this record is never closed';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record starting here is longer than ${MAX_RECORD_CHARS} characters (a quote left open?)`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'unexpected character after a closing quote (a quote inside a quoted field must be doubled)';
    default:
      return `not valid CSV: ${error.message}`;
  }
}

// ------------------------------------------------------------------------------------ header and cells

export interface Column {
  index: number;
  /** As spelled in the file's header. */
  name: string;
}

export class Header {
  private readonly byName = new Map<string, Column>();

  constructor(
    readonly file: string,
    row: CsvRow,
  ) {
    row.values.forEach((raw, index) => {
      const key = raw.trim().toLowerCase();
      if (!this.byName.has(key)) this.byName.set(key, { index, name: raw.trim() });
    });
    this.line = row.line;
  }

  readonly line: number;

  /** The first of the spellings present (matched trimmed and case-insensitively), or null. */
  find(...spellings: string[]): Column | null {
    for (const spelling of spellings) {
      const column = this.byName.get(spelling.trim().toLowerCase());
      if (column) return column;
    }
    return null;
  }

  require(...spellings: string[]): Column {
    const column = this.find(...spellings);
    if (column) return column;
    const also = spellings.length > 1 ? ` (or ${spellings.slice(1).map((s) => `'${s}'`).join(', ')})` : '';
    throw new CsvImportError(this.file, this.line, null, `missing required column '${spellings[0]}'${also}`);
  }
}

/** One data row, with helpers that turn a field parser's FieldError into a CsvImportError at this cell. */
export class RowCells {
  constructor(
    readonly file: string,
    readonly row: CsvRow,
  ) {}

  get line(): number {
    return this.row.line;
  }

  /** The cell trimmed; '' when the column is absent. */
  text(column: Column | null): string {
    return column === null ? '' : (this.row.values[column.index] ?? '').trim();
  }

  /** The cell or null when it is empty or the column absent. */
  optional(column: Column | null): string | null {
    const text = this.text(column);
    return text === '' ? null : text;
  }

  fail(column: Column | null, reason: string): never {
    throw new CsvImportError(this.file, this.row.line, column?.name ?? null, reason);
  }

  /** Parses a cell that must not be empty. */
  required<T>(column: Column, parse: (text: string) => T): T {
    const text = this.text(column);
    if (text === '') this.fail(column, 'missing value');
    return this.parse(column, text, parse);
  }

  /** Parses a cell, or gives `fallback` when it is empty or the column absent. */
  parsed<T, F>(column: Column | null, parse: (text: string) => T, fallback: F): T | F {
    const text = this.text(column);
    return text === '' ? fallback : this.parse(column!, text, parse);
  }

  parse<T>(column: Column, text: string, parse: (text: string) => T): T {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof FieldError) this.fail(column, error.reason);
      throw error;
    }
  }
}

// ------------------------------------------------------------------------------------------- batching

export function batchSizeOf(options: { batchSize?: number } | undefined): number {
  const size = options?.batchSize ?? 1000;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchSize must be a positive integer, got ${size}`);
  return size;
}

/** Groups records into arrays of `size`, counting them in `stats`. */
export async function* inBatches<T>(records: AsyncIterable<T>, size: number, stats?: CsvImportStats): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const record of records) {
    batch.push(record);
    if (stats) stats.records++;
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Records a deliberately skipped row. */
export function noteSkip(
  options: { stats?: CsvImportStats; onSkip?: (line: number, reason: string) => void } | undefined,
  line: number,
  reason: string,
): void {
  if (options?.stats) {
    options.stats.skippedRows++;
    options.stats.skippedByReason[reason] = (options.stats.skippedByReason[reason] ?? 0) + 1;
  }
  options?.onSkip?.(line, reason);
}
