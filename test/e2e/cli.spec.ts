/**
 * End-to-end: the `segment-sync` command line as a user runs it — `node bin/segment-sync.js ...` in a child
 * process (the compiled dist/, so `npm run build` first), the embedded database in a fresh data folder,
 * DATABASE_URL unset. Each test names a store, an action and the exact outcome.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/database/database';
import {
  emptyDataDir,
  firstRunOnEmptyFolder,
  GROUP_KEYS,
  GROUP_NAMES,
  makeTempDir,
  removeTempDirs,
  runCli,
  runCliJson,
  runCliOk,
  writeFile,
  type CliResult,
  type RunSummary,
  type TransitionCount,
} from './support/cli';

const DEMO_SHOP = 'demo-outfitters.myshopify.com';
const DEMO = ['demo', '--customers', '1500', '--seed', '7', '--as-of', '2026-11-27'];

afterAll(() => removeTempDirs());

/** The last line a failed command wrote to stderr (NestJS may log a stack trace before it). */
function errorLine(result: CliResult): string {
  const lines = result.stderr.trim().split('\n');
  return lines[lines.length - 1];
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function groupCounts(summary: RunSummary): Record<string, number> {
  return Object.fromEntries(summary.groups.map((g) => [g.group, g.customers]));
}

/** Opens a data folder directly (only while no command holds it) and runs one query. */
async function queryDataFolder<T = any>(dataDir: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const database = await Database.open({ databaseUrl: null, dataDir });
  try {
    return await database.dataSource.query(sql, parameters);
  } finally {
    await database.close();
  }
}

describe('segment-sync --help', () => {
  it('lists the commands demo, import, segment, report and serve', async () => {
    const result = await runCliOk(['--help']);
    for (const command of ['demo', 'import', 'segment', 'report', 'serve']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('describes every command, and `import orders --help` explains --map', async () => {
    const commands = [['demo'], ['import'], ['import', 'customers'], ['import', 'orders'], ['segment'], ['report'], ['serve']];
    const results = await Promise.all(commands.map((command) => runCliOk([...command, '--help'])));
    results.forEach((result, i) => {
      expect(result.stdout).toContain(`Usage: segment-sync ${commands[i].join(' ')} `);
      expect(result.stderr).toBe('');
    });
    const byName = (name: string) => results[commands.findIndex((c) => c.join(' ') === name)].stdout;
    expect(byName('demo')).toMatch(/--customers <n>[\s\S]*--seed <n>[\s\S]*--as-of <date>[\s\S]*--out <file>/);
    expect(byName('import')).toMatch(/customers[\s\S]*orders/);
    expect(byName('import orders')).toContain('--map <mapping>');
    expect(byName('import orders')).toContain('customer=CustomerID,date=InvoiceDate');
    expect(byName('segment')).toMatch(/--shop <domain>[\s\S]*--as-of <date>[\s\S]*--json/);
    expect(byName('report')).toContain('--out <file>');
    expect(byName('serve')).toContain('--port <port>');
  });
});

/**
 * The sample store, generated twice from the same seed: folder A prints the table, folder B prints JSON.
 * The tests of this block run in order on those two folders.
 */
describe('the sample store: demo, segment, report', () => {
  let folderA: string;
  let folderB: string;
  let demoA: CliResult;
  let demoB: RunSummary;
  let reportA: string;
  let runA2: RunSummary;
  let runB2: RunSummary;
  let runB3: RunSummary;

  beforeAll(async () => {
    const root = makeTempDir();
    folderA = join(root, 'a'); // a brand-new folder: the demo creates the database
    reportA = join(root, 'report.html');
    // Two independent data folders, generated side by side.
    [demoA, demoB] = await Promise.all([
      runCliOk([...DEMO, '--out', reportA], { dataDir: folderA }),
      emptyDataDir().then((dir) => {
        folderB = dir;
        return runCliJson<RunSummary>([...DEMO, '--json', '--out', join(root, 'report-b.html')], { dataDir: folderB });
      }),
    ]);
  });

  it('demo prints the six groups and a Total line whose customers are the sum of the rows', () => {
    const out = demoA.stdout;
    expect(out).toMatch(/^Sample store demo-outfitters\.myshopify\.com: 1,500 customers, [\d,]+ orders, [\d,]+ abandoned checkouts written in/);
    expect(out).toContain(`${DEMO_SHOP} · run #1 · as of 2026-11-27 · took `);
    const rows = GROUP_KEYS.map((key) => {
      const match = out.match(new RegExp(`^  ${GROUP_NAMES[key]} {2,}([\\d,]+) `, 'm'));
      expect(match).not.toBeNull();
      return Number(match![1].replace(/,/g, ''));
    });
    const total = Number(out.match(/^ {2}Total {2,}([\d,]+) /m)![1].replace(/,/g, ''));
    expect(sum(rows, (n) => n)).toBe(total);
    expect(out).toContain(`${total.toLocaleString('en-US')} customers · `);
    expect(out).toContain('Since the previous run: first run, nothing to compare.');
    expect(out.trimEnd().split('\n').pop()).toBe(`HTML report: ${reportA}`);
    // The same demo in folder B, as JSON, has exactly these rows.
    expect(demoB.groups.map((g) => g.customers)).toEqual(rows);
    expect(demoB.customers).toBe(total);
  });

  it('demo writes to a pipe without colours, and its progress as plain lines on stderr', () => {
    expect(demoA.stdout).not.toContain('\x1b[');
    expect(demoA.stderr).not.toMatch(/[\r\x1b]/);
    const lines = demoA.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^(generate and import: |segment run[: ])/);
    expect(lines).toContainEqual(expect.stringMatching(/^generate and import: 1,500 customers written, 1,500 customers in /));
    // The run's steps as progress lines (at most one per step), then a final line with the count.
    const runLines = lines.filter((line) => line.startsWith('segment run'));
    expect(runLines.length).toBeLessThanOrEqual(8);
    expect(runLines.pop()).toMatch(new RegExp(`^segment run: ${demoB.customers.toLocaleString("en-US")} customers segmented, 7 steps in `));
  });

  it('demo writes a self-contained HTML report of run #1, with no http(s) reference', () => {
    const html = readFileSync(reportA, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<title>Segment run #1 · ${DEMO_SHOP}</title>`);
    for (const key of GROUP_KEYS) expect(html).toContain(GROUP_NAMES[key]);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\/\//i);
  });

  it('the same demo in two fresh data folders gives the same groups to `segment --as-of 2026-11-27`', async () => {
    [runA2, runB2] = await Promise.all([
      runCliJson<RunSummary>(['segment', '--json', '--as-of', '2026-11-27'], { dataDir: folderA }),
      runCliJson<RunSummary>(['segment', '--json', '--as-of', '2026-11-27'], { dataDir: folderB }),
    ]);
    expect(runA2.groups.map((g) => g.group)).toEqual([...GROUP_KEYS]);
    expect(groupCounts(runA2)).toEqual(groupCounts(runB2));
    expect(runA2.groups).toEqual(runB2.groups);
    expect({ customers: runA2.customers, orders: runA2.orders, revenue: runA2.revenue }).toEqual({
      customers: runB2.customers,
      orders: runB2.orders,
      revenue: runB2.revenue,
    });
    expect(runA2.customers).toBe(demoB.customers);
    expect(runB2).toMatchObject({ runNumber: 2, previousRunId: demoB.runId, shopDomain: DEMO_SHOP, asOf: '2026-11-27T00:00:00.000Z' });
  });

  /**
   * The transitions of `current` against `previous`: every customer of this run arrives in its group from
   * somewhere (a group of the previous run, or null = new), every customer of the previous run goes somewhere
   * (a group, or null = left); stayers + movers + entered + left add up on both sides.
   */
  function expectTransitionsToAccountForEveryone(current: RunSummary, previous: RunSummary): void {
    const t = current.transitions;
    const into = (group: string | null) => sum(t.filter((x) => x.to === group), (x) => x.customers);
    const outOf = (group: string | null) => sum(t.filter((x) => x.from === group), (x) => x.customers);
    expect(sum(t.filter((x) => x.to !== null), (x) => x.customers)).toBe(current.customers);
    expect(sum(t.filter((x) => x.from !== null), (x) => x.customers)).toBe(previous.customers);
    for (const g of current.groups) expect(into(g.group)).toBe(g.customers);
    for (const g of previous.groups) expect(outOf(g.group)).toBe(g.customers);
    expect(current.left).toBe(into(null));
    const pairs = t.map((x) => `${x.from}->${x.to}`);
    expect(new Set(pairs).size).toBe(pairs.length); // no (from, to) pair twice
    for (const x of t) expect(x.customers).toBeGreaterThan(0); // no empty cell
  }

  it("run 2 is linked to the demo's run 1, and its transitions account for every customer", () => {
    expect(runB2.previousRunId).toBe(demoB.runId);
    expectTransitionsToAccountForEveryone(runB2, demoB);
    expect(runB2.left).toBe(0);
  });

  /**
   * Between run 2 and run 3 the store changes: the 25 customers of run 2 with the smallest spend each place a
   * 2,500 USD order on 27 November at noon, and 3 new customers buy for the first time (a generic orders CSV
   * imported into the demo shop).
   */
  it('after new orders, a run --as-of 2026-11-28 is run 3, links to run 2, and accounts for every customer', async () => {
    const smallest = await queryDataFolder<{ customer_id: string }>(
      folderB,
      `SELECT customer_id FROM segment_memberships WHERE run_id = $1 ORDER BY monetary, customer_id COLLATE "C" LIMIT 25`,
      [runB2.runId],
    );
    const buyers = [...smallest.map((row) => row.customer_id), 'new-1', 'new-2', 'new-3'];
    const csv = ['OrderID,CustomerID,Date,Total', ...buyers.map((id, i) => `X${i + 1},${id},2026-11-27 12:00:00,2500.00`)];
    const file = writeFile(makeTempDir(), 'new-orders.csv', csv.join('\n') + '\n');
    const imported = await runCliJson(
      ['import', 'orders', file, '--shop', DEMO_SHOP, '--map', 'customer=CustomerID,date=Date,order=OrderID,amount=Total', '--json'],
      { dataDir: folderB },
    );
    expect(imported).toMatchObject({ rows: 28, records: 28, skippedRows: 0 });

    runB3 = await runCliJson<RunSummary>(['segment', '--as-of', '2026-11-28', '--json'], { dataDir: folderB });
    expect(runB3).toMatchObject({ runNumber: 3, previousRunId: runB2.runId, asOf: '2026-11-28T00:00:00.000Z' });
    expect(runB3.customers).toBe(runB2.customers + 3);
    expect(runB3.orders).toBe(runB2.orders + 28);
    expect(runB3.revenue).toBeCloseTo(runB2.revenue + 28 * 2500, 2);
    expectTransitionsToAccountForEveryone(runB3, runB2);
    const t = runB3.transitions;
    expect(sum(t.filter((x) => x.from === null), (x) => x.customers)).toBe(3);
    expect(runB3.left).toBe(0);
    expect(sum(t.filter((x) => x.from !== null && x.to !== null && x.from !== x.to), (x) => x.customers)).toBeGreaterThan(0);
  });

  it('`entered` counts only the customers new to the run (3), not those who changed group', () => {
    expect(runB3.entered).toBe(3);
  });

  it('report --out writes the report of the latest run', async () => {
    const out = join(makeTempDir(), 'latest.html');
    const result = await runCliOk(['report', '--out', out], { dataDir: folderA });
    expect(result.stdout).toBe(`${out}\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(`<title>Segment run #2 · ${DEMO_SHOP}</title>`);
    expect(html).toContain(`Run id ${runA2.runId} `);
    expect(html).not.toMatch(/https?:\/\//i);
  });

  it('segment --shop with an unknown shop names it and the shops that exist', async () => {
    const result = await runCli(['segment', '--shop', 'nope.myshopify.com'], { dataDir: folderA });
    expect(result.code).not.toBe(0);
    expect(errorLine(result)).toBe(`error: No shop 'nope.myshopify.com' in the database (known: ${DEMO_SHOP})`);
  });

  let demoAgain: RunSummary;

  it('the same demo run again in the same folder updates the store rather than adding to it: same customers and orders', async () => {
    demoAgain = await runCliJson<RunSummary>([...DEMO, '--json', '--out', join(makeTempDir(), 'again.html')], { dataDir: folderA });
    expect(demoAgain).toMatchObject({ runNumber: 3, previousRunId: runA2.runId, customers: demoB.customers, orders: demoB.orders });
  });

  it('the same demo run again in the same folder keeps the revenue', () => {
    expect(demoAgain.revenue).toBeCloseTo(demoB.revenue, 2);
    expect(demoAgain.groups.map((g) => g.meanMonetary)).toEqual(demoB.groups.map((g) => g.meanMonetary));
  });
});

describe('mistakes are reported in words, and change nothing', () => {
  it('an invalid environment variable stops the command, names the variable, and creates no database', async () => {
    const dataDir = join(makeTempDir(), 'data');
    const result = await runCli(['segment'], { dataDir, env: { PORT: 'eighty' } });
    expect(result.code).not.toBe(0);
    expect(errorLine(result)).toMatch(/^error: Invalid configuration: PORT .*\(got 'eighty'\)$/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('segment on an empty data folder says to import a store first', async () => {
    const { result } = await firstRunOnEmptyFolder();
    expect(result.code).not.toBe(0);
    expect(errorLine(result)).toBe(
      'error: No shop in the database yet: import a store first (segment-sync demo, or segment-sync import ...)',
    );
  });

  it('import orders --map without a date column says what is missing', async () => {
    const dir = makeTempDir();
    const file = writeFile(dir, 'orders.csv', 'CustomerID,InvoiceDate,Total\n1,2026-01-01,10\n');
    const result = await runCli(['import', 'orders', file, '--map', 'customer=CustomerID'], { dataDir: join(dir, 'data') });
    expect(result.code).not.toBe(0);
    expect(errorLine(result)).toBe("error: column mapping: key 'date': required (the column with the order date)");
  });

  /**
   * A shop with three customers and their three orders; then a customers file broken on line 4 and an orders
   * file of 1,200 orders broken on line 1,151 (after a first batch of 1,000 was written in the transaction).
   */
  describe('a malformed CSV is refused with file:line: column "...": reason, and nothing of it is kept', () => {
    const SHOP = 'atomic.myshopify.com';
    const CUSTOMERS_HEADER = 'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Country Code,Accepts SMS Marketing,Tags';
    const ORDERS_HEADER = 'Name,Email,Financial Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price';
    const EMAILS = ['ada@example.com', 'jean@example.fr', 'grace@example.com'];
    let dir: string;
    let dataDir: string;

    beforeAll(async () => {
      dir = makeTempDir();
      dataDir = await emptyDataDir();
      const customers = writeFile(
        dir,
        'customers.csv',
        [
          CUSTOMERS_HEADER,
          '1001,Ada,Lovelace,ada@example.com,yes,GB,no,vip',
          '1002,Jean,Dupont,jean@example.fr,no,FR,no,',
          '1003,Grace,Hopper,grace@example.com,yes,US,yes,',
        ].join('\n') + '\n',
      );
      const orders = writeFile(
        dir,
        'orders.csv',
        [
          ORDERS_HEADER,
          '#1001,ada@example.com,paid,EUR,60.00,60.00,2026-10-01 10:00:00 +0000,2,Linen Shirt,30.00',
          '#1002,jean@example.fr,paid,EUR,25.00,25.00,2026-10-02 10:00:00 +0000,1,Espresso Cup,25.00',
          '#1003,grace@example.com,paid,EUR,40.00,40.00,2026-10-03 10:00:00 +0000,4,Wool Socks,10.00',
        ].join('\n') + '\n',
      );
      await runCliOk(['import', 'customers', customers, '--shop', SHOP], { dataDir });
      const imported = await runCliJson(['import', 'orders', orders, '--json'], { dataDir });
      expect(imported).toMatchObject({ rows: 3, records: 3, skippedRows: 0 });
    });

    it('customers: a bad `Accepts Email Marketing` on line 4', async () => {
      const bad = writeFile(
        dir,
        'customers-bad.csv',
        [
          CUSTOMERS_HEADER,
          '1001,Ada,Lovelace,ada@example.com,no,GB,no,', // would unsubscribe Ada
          '1004,Alan,Turing,alan@example.com,yes,GB,no,', // would add Alan
          '1005,Edsger,Dijkstra,edsger@example.com,maybe,NL,no,',
        ].join('\n') + '\n',
      );
      const result = await runCli(['import', 'customers', bad], { dataDir });
      expect(result.code).not.toBe(0);
      expect(errorLine(result)).toBe(`error: customers-bad.csv:4: column "Accepts Email Marketing": expected yes or no, got 'maybe'`);
    });

    it('orders: a non-numeric Total on line 1,151 of 1,201', async () => {
      const lines = [ORDERS_HEADER];
      for (let i = 1; i <= 1200; i++) {
        const total = i === 1150 ? '12.x0' : '20.00';
        lines.push(`#${2000 + i},${EMAILS[i % 3]},paid,EUR,20.00,${total},2026-11-0${1 + (i % 9)} 10:00:00 +0000,1,Gift Card,20.00`);
      }
      const bad = writeFile(dir, 'orders-bad.csv', lines.join('\n') + '\n');
      const result = await runCli(['import', 'orders', bad], { dataDir });
      expect(result.code).not.toBe(0);
      expect(errorLine(result)).toBe(`error: orders-bad.csv:1151: column "Total": expected a number, got '12.x0'`);
    });

    it('afterwards the shop holds exactly what the good files held', async () => {
      const [held] = await queryDataFolder(
        dataDir,
        `SELECT (SELECT json_agg(json_build_object('customer_id', customer_id, 'email_consent', email_consent)
                                 ORDER BY customer_id) FROM customers) AS customers,
                (SELECT json_agg(json_build_object('order_id', order_id, 'customer_id', customer_id)
                                 ORDER BY order_id) FROM orders) AS orders,
                (SELECT json_agg(domain) FROM shops) AS shops`,
      );
      expect(held).toEqual({
        customers: [
          { customer_id: '1001', email_consent: 'subscribed' },
          { customer_id: '1002', email_consent: 'not_subscribed' },
          { customer_id: '1003', email_consent: 'subscribed' },
        ],
        orders: [
          { order_id: '#1001', customer_id: '1001' },
          { order_id: '#1002', customer_id: '1002' },
          { order_id: '#1003', customer_id: '1003' },
        ],
        shops: [SHOP],
      });
      // And as the user sees it: a segment run counts the three customers and their three orders.
      const run = await runCliJson<RunSummary>(['segment', '--json', '--as-of', '2026-11-27'], { dataDir });
      expect(run).toMatchObject({ shopDomain: SHOP, customers: 3, orders: 3, revenue: 125 });
    });
  });
});

/**
 * A generic orders file in the columns of the UCI "Online Retail" data set: 33 rows, 8 customers, dates
 * month first. It holds an anonymous row (no CustomerID: skipped), a cancellation invoice C536379 (a return:
 * a refunded record, not an eligible order), invoice 536365 again further down (its rows are merged into one
 * order), customer 12583 once written `12583.0` (a spreadsheet's float), and 536385 after the as-of moment.
 */
describe('import of a generic orders CSV with --map', () => {
  const SHOP = 'retail.myshopify.com';
  const AS_OF = '2026-11-27';
  const MAP = 'customer=CustomerID,date=InvoiceDate,order=InvoiceNo,quantity=Quantity,price=UnitPrice,country=Country';
  const CSV = `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,11/1/2026 8:26,2.55,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,11/1/2026 8:26,3.39,17850,United Kingdom
536365,84406B,CREAM CUPID HEARTS COAT HANGER,8,11/1/2026 8:26,2.75,17850,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,11/1/2026 8:28,1.85,17850,United Kingdom
536366,22632,HAND WARMER RED POLKA DOT,6,11/1/2026 8:28,1.85,17850,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,11/1/2026 8:34,1.69,13047,United Kingdom
536367,22745,POPPY'S PLAYHOUSE BEDROOM,6,11/1/2026 8:34,2.10,13047,United Kingdom
536368,22960,JAM MAKING SET WITH JARS,6,11/1/2026 8:34,4.25,13047,United Kingdom
536370,22728,ALARM CLOCK BAKELIKE PINK,24,11/1/2026 8:45,3.75,12583,France
536370,22727,ALARM CLOCK BAKELIKE RED,24,11/1/2026 8:45,3.75,12583,France
536370,POST,POSTAGE,3,11/1/2026 8:45,18,12583,France
536371,22086,PAPER CHAIN KIT 50'S CHRISTMAS,80,11/1/2026 9:00,2.55,13748,United Kingdom
536372,22632,HAND WARMER RED POLKA DOT,6,11/1/2026 9:01,1.85,17850,United Kingdom
536373,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,11/1/2026 9:02,2.55,17850,United Kingdom
536373,71053,WHITE METAL LANTERN,6,11/1/2026 9:02,3.39,17850,United Kingdom
536374,21258,VICTORIAN SEWING BOX LARGE,32,11/1/2026 9:09,10.95,,United Kingdom
536375,21166,COOK WITH WINE METAL SIGN,48,11/2/2026 10:00,1.25,15100,United Kingdom
536376,22114,HOT WATER BOTTLE TEA AND SYMPATHY,48,11/3/2026 11:12,3.45,15291,United Kingdom
536376,21733,RED HANGING HEART T-LIGHT HOLDER,64,11/3/2026 11:12,2.55,15291,United Kingdom
536377,22712,CARD DOLLY GIRL,12,11/5/2026 12:00,0.42,14688,United Kingdom
536377,22065,CHRISTMAS PUDDING TRINKET POT,12,11/5/2026 12:00,1.45,14688,United Kingdom
536378,22139,RETROSPOT TEA SET CERAMIC 11 PC,3,11/6/2026 13:30,4.95,17809,United Kingdom
C536379,D,Discount,-1,11/7/2026 9:41,27.50,15291,United Kingdom
536380,22423,REGENCY CAKESTAND 3 TIER,2,11/10/2026 14:00,12.75,17809,United Kingdom
536381,22726,ALARM CLOCK BAKELIKE GREEN,12,11/12/2026 10:00,3.75,12583.0,France
536382,22086,PAPER CHAIN KIT 50'S CHRISTMAS,20,11/15/2026 10:30,2.55,13748,United Kingdom
536382,22910,PAPER CHAIN KIT VINTAGE CHRISTMAS,10,11/15/2026 10:30,2.95,13748,United Kingdom
536383,21166,COOK WITH WINE METAL SIGN,24,11/20/2026 16:00,1.25,15100,United Kingdom
536365,21730,GLASS STAR FROSTED T-LIGHT HOLDER,6,11/1/2026 8:26,4.25,17850,United Kingdom
536384,22697,GREEN REGENCY TEACUP AND SAUCER,6,11/22/2026 9:00,2.95,14688,United Kingdom
536385,22423,REGENCY CAKESTAND 3 TIER,1,11/30/2026 9:00,12.75,17809,United Kingdom
536386,84879,ASSORTED COLOUR BIRD ORNAMENT,16,11/25/2026 15:45,1.69,13047,United Kingdom
536387,22114,HOT WATER BOTTLE TEA AND SYMPATHY,4,11/26/2026 8:00,3.45,15291,United Kingdom
`;
  /**
   * Net spend per customer by hand, eligible orders up to the as-of moment only:
   *   17850: 536365 (15.30 + 20.34 + 22.00 + 25.50 = 83.14) + 536366 (22.20) + 536372 (11.10) + 536373 (35.64) = 152.08
   *   13047: 66.68 + 25.50 + 27.04 = 119.22          12583: 234.00 + 45.00 = 279.00
   *   13748: 204.00 + 80.50 = 284.50                 15100: 60.00 + 30.00 = 90.00
   *   15291: 328.80 + 13.80 = 342.60 (C536379 is a refunded record)
   *   14688: 22.44 + 17.70 = 40.14                   17809: 14.85 + 25.50 = 40.35 (536385 is after the as-of)
   */
  const MONETARY: Record<string, number> = {
    '12583': 279.0,
    '13047': 119.22,
    '13748': 284.5,
    '14688': 40.14,
    '15100': 90.0,
    '15291': 342.6,
    '17809': 40.35,
    '17850': 152.08,
  };
  const FREQUENCY: Record<string, number> = {
    '12583': 2,
    '13047': 3,
    '13748': 2,
    '14688': 2,
    '15100': 2,
    '15291': 2,
    '17809': 2,
    '17850': 4,
  };
  let dataDir: string;
  let file: string;
  let first: RunSummary;
  let second: RunSummary;

  beforeAll(async () => {
    const dir = makeTempDir();
    dataDir = await emptyDataDir();
    file = writeFile(dir, 'online-retail.csv', CSV);
  });

  async function importAndSegment(): Promise<{ imported: any; run: RunSummary }> {
    const imported = await runCliJson(['import', 'orders', file, '--shop', SHOP, '--currency', 'GBP', '--map', MAP, '--json'], {
      dataDir,
    });
    const run = await runCliJson<RunSummary>(['segment', '--json', '--as-of', AS_OF], { dataDir });
    return { imported, run };
  }

  async function memberships(runId: number) {
    const rows = await queryDataFolder(
      dataDir,
      `SELECT customer_id, frequency, monetary::float8 AS monetary FROM segment_memberships WHERE run_id = $1
       ORDER BY customer_id`,
      [runId],
    );
    return {
      frequency: Object.fromEntries(rows.map((r) => [r.customer_id, r.frequency])),
      monetary: Object.fromEntries(rows.map((r) => [r.customer_id, r.monetary])),
    };
  }

  it('imports 22 order records from 33 rows, skipping the anonymous one', async () => {
    const { imported, run } = await importAndSegment();
    first = run;
    expect(imported).toMatchObject({
      kind: 'orders',
      format: 'mapped-orders',
      rows: 33,
      records: 22,
      skippedRows: 1,
      skippedByReason: { 'no customer': 1 },
    });
  });

  it('segment counts 8 customers, 19 eligible orders and 1,347.89 of net revenue', () => {
    expect(first).toMatchObject({ shopDomain: SHOP, runNumber: 1, customers: 8, orders: 19, revenue: 1347.89 });
    expect(sum(first.groups, (g) => g.customers)).toBe(8);
    expect(sum(first.groups, (g) => g.revenue)).toBeCloseTo(1347.89, 6);
  });

  it("each customer's frequency and monetary are the ones computed by hand (17850: 4 orders, 152.08)", async () => {
    const { frequency, monetary } = await memberships(first.runId);
    expect(monetary['17850']).toBe(152.08);
    expect(frequency['17850']).toBe(4);
    expect(monetary).toEqual(MONETARY);
    expect(frequency).toEqual(FREQUENCY);
  });

  it('the shop holds 21 orders (20 distinct invoices with a customer, and the return), and 8 customers', async () => {
    const [counts] = await queryDataFolder(
      dataDir,
      `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM customers) AS customers,
              (SELECT count(*)::int FROM order_lines WHERE order_id = '536365') AS lines_536365,
              (SELECT currency FROM orders WHERE order_id = '536365') AS currency`,
    );
    expect(counts).toEqual({ orders: 21, customers: 8, lines_536365: 4, currency: 'GBP' });
  });

  it('importing the same file again changes no count (idempotent)', async () => {
    const { imported, run } = await importAndSegment();
    second = run;
    expect(imported).toMatchObject({ rows: 33, records: 22, skippedRows: 1 });
    expect(second).toMatchObject({ runNumber: 2, previousRunId: first.runId, customers: 8, orders: 19, revenue: 1347.89 });
    expect(groupCounts(second)).toEqual(groupCounts(first));
    const { frequency, monetary } = await memberships(second.runId);
    expect(monetary).toEqual(MONETARY);
    expect(frequency).toEqual(FREQUENCY);
    const [counts] = await queryDataFolder(
      dataDir,
      `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM customers) AS customers,
              (SELECT count(*)::int FROM order_lines) AS lines`,
    );
    expect(counts).toEqual({ orders: 21, customers: 8, lines: 32 });
  });

  it('a shop created by `import --currency GBP` reports its money in GBP', () => {
    expect(first.currency).toBe('GBP');
  });
});
