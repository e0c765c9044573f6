/**
 * Memory does not grow with the file: ~200k-row generated files stream through the readers with a flat heap.
 * A rough check (garbage-collected heap sampled while reading), printed for the record.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseColumnMapping } from './column-mapping';
import { readMappedOrdersCsv } from './mapped-orders';
import { readShopifyOrdersCsv } from './orders-export';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 200_000;
const MB = 1024 * 1024;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'segment-sync-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeFile(name: string, header: string, row: (i: number) => string): Promise<string> {
  const path = join(dir, name);
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  for (let i = 0; i < ROWS; i++) {
    if (!out.write(`${row(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

/** Reads every batch, dropping it, and samples the heap after a full collection. */
async function measure<T>(label: string, batches: AsyncIterable<T[]>): Promise<{ records: number; growthMb: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  let records = 0;
  let batchCount = 0;
  let peak = before;
  for await (const batch of batches) {
    records += batch.length;
    if (++batchCount % 25 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  const growthMb = (Math.max(peak, after) - before) / MB;
  // eslint-disable-next-line no-console
  console.log(
    `${label}: ${records} records from ${ROWS} rows; heapUsed before ${(before / MB).toFixed(1)} MB, ` +
      `peak ${(peak / MB).toFixed(1)} MB, after ${(after / MB).toFixed(1)} MB`,
  );
  return { records, growthMb };
}

describe('CSV readers stream', () => {
  it('reads a 200k-row Shopify orders export with a flat heap', async () => {
    const header =
      'Name,Email,Financial Status,Currency,Subtotal,Total,Discount Code,Created at,Lineitem quantity,Lineitem name,Lineitem price,Notes,Id';
    const path = await writeFile('orders.csv', header, (i) => {
      const order = Math.floor(i / 2);
      return i % 2 === 0
        ? `#${order},c${order % 5000}@example.com,paid,EUR,30.00,30.00,SAVE5,2024-03-01 14:05:00 -0500,1,"Shirt, blue",20.00,"note ${order}\nsecond line",${order + 1}`
        : `#${order},,,,,,,,1,Socks,10.00,,`;
    });
    const { records, growthMb } = await measure('orders export', readShopifyOrdersCsv(createReadStream(path), 'orders.csv'));
    expect(records).toBe(ROWS / 2);
    expect(growthMb).toBeLessThan(20);
  });

  it('reads a 200k-row mapped file without an order column with a flat heap', async () => {
    const mapping = parseColumnMapping('customer=customer,date=date,quantity=cds,amount=dollars');
    const path = await writeFile('cdnow.csv', 'customer,date,cds,dollars', (i) => {
      const day = String(1 + (i % 28)).padStart(2, '0');
      return `${String(i % 23570).padStart(5, '0')},199701${day},${1 + (i % 3)},${(10 + (i % 97)).toFixed(2)}`;
    });
    const { records, growthMb } = await measure(
      'mapped orders',
      readMappedOrdersCsv(createReadStream(path), 'cdnow.csv', mapping, { currency: 'USD' }),
    );
    expect(records).toBe(ROWS);
    // the bounded occurrence window (65,536 triples) is the only state kept across rows
    expect(growthMb).toBeLessThan(30);
  });
});
