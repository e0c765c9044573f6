/**
 * bench/webhooks: webhook intake under sustained load. The HTTP service (`segment-sync serve`, a child
 * process, as deployed) runs on loopback against a fresh PostgreSQL database; this process is an open-loop
 * load generator sending signed orders/updated deliveries at a fixed rate, whatever the answers' pace.
 * Latency is measured from each request's scheduled send time (no coordinated omission). At the end it waits
 * for the worker to apply everything and counts, in the database, what arrived and what was applied.
 *
 *   npm run bench:webhooks -- [--rate 1000] [--seconds 60] [--orders 5000] [--database-url postgres://...] [--keep]
 *
 * The server is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). The last line of
 * output is one JSON object with the figures.
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { runOnServer } from './server-admin';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    orders: { type: 'string', default: '5000' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const orderCount = Number(values.orders);
const warmupSeconds = Number(values.warmup);
const serverUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-webhooks.myshopify.com';
const SECRET = randomBytes(24).toString('hex');
const REPO = join(__dirname, '../..');

const admin = (sql: string) => runOnServer(serverUrl, sql);

/** The service in a child process; resolves with its URL once it listens. */
function startService(databaseUrl: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(REPO, 'bin/segment-sync.js'), 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SHOPIFY_API_SECRET: SECRET, LOG_LEVEL: 'log', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      // eslint-disable-next-line no-control-regex
      const match = out.replace(/\x1b\[[0-9;]*m/g, '').match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve({ url: match[1], pid: child.pid!, stop: async () => void (child.kill('SIGTERM'), await exited) });
    });
    void exited.then(() => reject(new Error(`serve exited before listening:\n${out}`)));
  });
}

/** User + system CPU time of a process so far, ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Peak resident memory of a process (VmHWM), MB. */
function peakRssMb(pid: number): number {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

/** An orders/updated body as Shopify sends it (REST JSON, ~2 KB). */
function orderBody(orderId: number, version: number): string {
  const updated = new Date(Date.UTC(2026, 10, 1) + version * 1000).toISOString();
  return JSON.stringify({
    id: orderId,
    admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
    name: `#${orderId}`,
    email: `buyer${orderId % 1000}@example.com`,
    created_at: '2026-10-30T10:00:00Z',
    processed_at: '2026-10-30T10:00:00Z',
    updated_at: updated,
    cancelled_at: null,
    financial_status: version % 7 === 0 ? 'partially_refunded' : 'paid',
    currency: 'USD',
    total_price: '129.90',
    subtotal_price: '119.90',
    total_discounts: '10.00',
    discount_codes: version % 3 === 0 ? [{ code: 'SAVE10', amount: '10.00', type: 'fixed_amount' }] : [],
    customer: { id: 7_000_000_000_000 + (orderId % 1000), email: `buyer${orderId % 1000}@example.com` },
    shipping_address: { country_code: 'US', province: 'Oregon' },
    line_items: [1, 2, 3].map((line) => ({
      id: orderId * 10 + line,
      product_id: 800 + ((orderId + line) % 40),
      variant_id: 900 + line,
      title: `Product ${line}`,
      sku: `SKU-${line}`,
      quantity: line,
      price: '19.90',
      total_discount: line === 1 ? '10.00' : '0.00',
      discount_allocations: line === 1 ? [{ amount: '10.00' }] : [],
    })),
    refunds:
      version % 7 === 0
        ? [{ id: orderId * 100 + 1, order_id: orderId, created_at: updated, transactions: [{ kind: 'refund', status: 'success', amount: '19.90' }] }]
        : [],
  });
}

/**
 * Kept across phases. 64 connections, as a sender like Shopify keeps a bounded number: hundreds opened at
 * once overflow the listen backlog and the kernel retries the connects after 1, 3, 7 s, which measures TCP's
 * backoff rather than the service. Requests beyond them queue here, and their wait counts in the latency.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

interface Phase {
  latencies: number[];
  bySecond: number[][];
  statuses: Map<number, number>;
  errors: number;
  sendSeconds: number;
}

/**
 * Open loop: every tick sends whatever is due by the clock, however the previous requests fare; each
 * latency runs from the request's scheduled send time. Webhook ids `<prefix>-<n>`.
 */
async function sendPhase(serviceUrl: string, prefix: string, phaseSeconds: number, versionOffset: number): Promise<Phase> {
  const target = new URL(`${serviceUrl}/webhooks/shopify`);
  const total = Math.round(rate * phaseSeconds);
  const phase: Phase = {
    latencies: [],
    bySecond: Array.from({ length: Math.max(1, Math.ceil(phaseSeconds)) }, () => []),
    statuses: new Map(),
    errors: 0,
    sendSeconds: 0,
  };
  let sent = 0;
  let settled = 0;
  const started = performance.now();
  const send = (index: number, scheduledAt: number) => {
    const body = orderBody(1_000_000 + (index % orderCount), versionOffset + index + 1);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-shopify-topic': 'orders/updated',
          'x-shopify-shop-domain': SHOP,
          'x-shopify-webhook-id': `${prefix}-${index}`,
          'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body).digest('base64'),
          'x-shopify-api-version': '2026-10',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const ms = performance.now() - scheduledAt;
          phase.latencies.push(ms);
          phase.bySecond[Math.min(phase.bySecond.length - 1, Math.floor((scheduledAt - started) / 1000))].push(ms);
          phase.statuses.set(res.statusCode ?? 0, (phase.statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          settled++;
        });
      },
    );
    req.on('error', () => {
      phase.errors++;
      settled++;
    });
    req.end(body);
    sent++;
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (sent < due) send(sent, started + (sent / rate) * 1000);
      if (sent >= total) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  phase.sendSeconds = (performance.now() - started) / 1000;
  while (settled < total) await new Promise((resolve) => setTimeout(resolve, 10));
  phase.latencies.sort((a, b) => a - b);
  return phase;
}

/** Seconds until no delivery of the phase is pending (the worker caught up). */
async function waitApplied(db: Client, prefix: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM webhook_inbox WHERE status = 'pending' AND webhook_id LIKE $1`,
      [`${prefix}-%`],
    );
    if (rows[0].n === 0 || performance.now() - started > 600_000) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const name = `segment_sync_bench_webhooks_${process.pid}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const service = await startService(url.toString()).catch(async (error) => {
    // Nothing else holds the database yet: drop it, or every failed start leaves one behind.
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  });
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  try {
    await db.query(`INSERT INTO shops (domain) VALUES ($1)`, [SHOP]);
    const load = (await import('node:os')).loadavg();
    process.stderr.write(
      `service ${service.url} (pid ${service.pid}); sending ${rate}/s for ${seconds} s; load average ${load.map((l) => l.toFixed(2)).join(' ')}\n`,
    );

    // Warm-up at the same rate (JIT, connection pools, the worker's first batches), applied before measuring.
    const warm = await sendPhase(service.url, 'warmup', warmupSeconds, 0);
    const warmApplied = await waitApplied(db, 'warmup');
    process.stderr.write(
      `warm-up: ${warm.latencies.length} sent in ${warmupSeconds} s, p99 ${round(quantile(warm.latencies, 0.99))} ms, applied after ${warmApplied.toFixed(1)} s\n`,
    );
    const cpuBefore = cpuMs(service.pid);
    const run = await sendPhase(service.url, 'bench', seconds, warm.latencies.length);
    const drainSeconds = await waitApplied(db, 'bench');
    const serviceCpuMs = cpuMs(service.pid) - cpuBefore;
    const countRows = await db.query(
      `SELECT status, count(*)::int AS n FROM webhook_inbox WHERE webhook_id LIKE 'bench-%' GROUP BY status`,
    );
    const counts: Record<string, number> = Object.fromEntries(countRows.rows.map((row: { status: string; n: number }) => [row.status, row.n]));
    const stored = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const [{ orders }] = (await db.query(`SELECT count(*)::int AS orders FROM orders`)).rows;
    const { latencies, statuses, errors, sendSeconds, bySecond } = run;
    const total = Math.round(rate * seconds);
    const peak = peakRssMb(service.pid);
    const perSecond = bySecond.map((list) => round(quantile(list.sort((a, b) => a - b), 0.99)));
    const acknowledged = statuses.get(200) ?? 0;
    const result = {
      rate,
      seconds,
      sent: total,
      acknowledged,
      applied: counts.applied ?? 0,
      lost: total - stored,
      p50_ms: round(quantile(latencies, 0.5)),
      p99_ms: round(quantile(latencies, 0.99)),
      max_ms: round(latencies[latencies.length - 1] ?? 0),
      peak_rss_mb: peak,
    };
    process.stdout.write(
      `sent ${total} in ${sendSeconds.toFixed(1)} s (${(total / sendSeconds).toFixed(0)}/s); answers ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `errors ${errors}\n` +
        `latency from scheduled send: p50 ${result.p50_ms} ms, p90 ${round(quantile(latencies, 0.9))} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms\n` +
        `inbox ${JSON.stringify(counts)}; worker caught up ${drainSeconds.toFixed(1)} s after the last answer; ${orders} distinct orders stored\n` +
        `p99 by second of sending: ${perSecond.join(' ')}\n` +
        `service CPU ${(serviceCpuMs / 1000).toFixed(1)} s for the run and its drain: ${(serviceCpuMs / total).toFixed(2)} ms per webhook ` +
        `(intake and apply), i.e. ${((serviceCpuMs / total) * rate / 1000).toFixed(2)} cores at ${rate}/s\n` +
        `service peak RSS ${peak} MB\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    agent.destroy();
    await db.end();
    await service.stop();
    if (!values.keep) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

main().catch((error) => {
  process.stderr.write(`bench:webhooks failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
