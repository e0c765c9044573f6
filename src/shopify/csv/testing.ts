/** Helpers for the CSV reader tests (not used by the readers). */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CsvImportError } from './errors';

export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'csv');

export function fixture(name: string): NodeJS.ReadableStream {
  return createReadStream(join(FIXTURES, name));
}

/** A stream of the text, cut into chunks of `chunkSize` bytes (to cross every boundary). */
export function textStream(text: string, chunkSize = 7): NodeJS.ReadableStream {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

export async function collect<T>(batches: AsyncIterable<T[]>): Promise<{ records: T[]; batchSizes: number[] }> {
  const records: T[] = [];
  const batchSizes: number[] = [];
  for await (const batch of batches) {
    batchSizes.push(batch.length);
    records.push(...batch);
  }
  return { records, batchSizes };
}

export async function all<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  return (await collect(batches)).records;
}

/** The CsvImportError the reading throws (fails the test when it throws something else or nothing). */
export async function importError(batches: AsyncIterable<unknown[]>): Promise<CsvImportError> {
  try {
    for await (const batch of batches) void batch;
  } catch (error) {
    if (error instanceof CsvImportError) return error;
    throw error;
  }
  throw new Error('expected a CsvImportError, the file was read without one');
}

export function describeError(error: CsvImportError): { file: string; line: number; column: string | null; reason: string; message: string } {
  return { file: error.file, line: error.line, column: error.column, reason: error.reason, message: error.message };
}
