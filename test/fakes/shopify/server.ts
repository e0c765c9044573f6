/**
 * A fake Shopify Admin API for one shop: a real HTTP server on 127.0.0.1 (random port) that the real
 * `@shopify/shopify-api` client talks to. See README.md in this folder for the whole surface.
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BulkOperations, type BulkOptions, type BulkOutcome, bulkResolvers } from './bulk-operations';
import { type FakeContext, mergeResolvers, type ShopInfo } from './context';
import { type Fault, faultBody, Faults, type Route } from './faults';
import { type GraphqlRecords, GraphqlEndpoint } from './graphql-endpoint';
import { OAuthServer } from './oauth';
import { CostBucket } from './query-cost';
import { DATA_RESOLVERS } from './resolvers';
import { ADMIN_API_VERSION, adminSchema } from './schema';
import { changeCustomer, changeOrder, type CustomerChange, type OrderChange, seed, type SeedInput } from './seed';
import { ShopData } from './state';
import { type Delivery, type DeliveryOptions, lookupSubscription, webhookResolvers, Webhooks } from './webhooks';
import { webhookPayload, type PayloadTopic } from './payloads';

export const ALL_SCOPES = ['read_customers', 'read_orders', 'read_all_orders', 'read_checkouts'];

export interface FakeShopifyOptions {
  shop?: string;
  accessToken?: string;
  apiKey?: string;
  apiSecret?: string;
  /** Scopes of `accessToken` (default ALL_SCOPES). */
  scopes?: string[];
  shopName?: string;
  currency?: string;
  timezone?: string;
  /** Leaky bucket: Shopify's standard plan is 2000 points restoring 100 per second. */
  maximumAvailable?: number;
  restoreRate?: number;
  /** Single-query limit (Shopify: 1000). */
  maxQueryCost?: number;
  bulk?: BulkOptions;
  /** The fake's clock in epoch ms (default Date.now): order visibility, updatedAt of changes, cost refills. */
  clock?: () => number;
}

const INVALID_TOKEN = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const GRAPHQL_PATH = `/admin/api/${ADMIN_API_VERSION}/graphql.json`;

export class FakeShopify {
  readonly shop: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly accessToken: string;
  readonly data = new ShopData();
  readonly records: GraphqlRecords = { rejectedDocuments: [], executionErrors: [], throttledCount: 0 };
  /** Requests to the GraphQL endpoint by operation name ('(anonymous)' without one). */
  readonly requestsByOperation = new Map<string, number>();
  readonly faults = new Faults();
  readonly bucket: CostBucket;
  readonly bulkOperations: BulkOperations;
  readonly webhooks: Webhooks;
  readonly oauth: OAuthServer;
  private readonly tokens = new Map<string, Set<string>>();
  private readonly shopInfo: ShopInfo;
  private readonly clock: () => number;
  private readonly endpoint: GraphqlEndpoint;
  private server: Server | null = null;
  baseUrl = '';

  private constructor(options: FakeShopifyOptions) {
    this.shop = options.shop ?? 'fake-shop.myshopify.com';
    this.apiKey = options.apiKey ?? 'fake-api-key';
    this.apiSecret = options.apiSecret ?? 'fake-api-secret';
    this.accessToken = options.accessToken ?? 'shpat_fake_access_token';
    this.clock = options.clock ?? Date.now;
    this.tokens.set(this.accessToken, new Set(options.scopes ?? ALL_SCOPES));
    this.shopInfo = {
      domain: this.shop,
      name: options.shopName ?? 'Fake Shop',
      currency: options.currency ?? 'USD',
      timezone: options.timezone ?? 'America/New_York',
      email: `owner@${this.shop}`,
    };
    this.bucket = new CostBucket(options.maximumAvailable ?? 2000, options.restoreRate ?? 100, this.clock);
    this.webhooks = new Webhooks(this.shop, this.apiSecret, this.clock);
    this.oauth = new OAuthServer(this.shop, this.apiKey, this.apiSecret, (token, scopes) => this.tokens.set(token, new Set(scopes)), this.clock);
    const resolvers = mergeResolvers(DATA_RESOLVERS, bulkResolvers(() => this.bulkOperations), webhookResolvers(() => this.webhooks));
    this.bulkOperations = new BulkOperations(options.bulk ?? {}, resolvers);
    this.endpoint = new GraphqlEndpoint(resolvers, this.bucket, options.maxQueryCost ?? 1000, this.records);
  }

  /** Starts a fake on 127.0.0.1 at a random port. */
  static async start(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
    adminSchema();
    const fake = new FakeShopify(options);
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.bulkOperations.close();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // --- state ---------------------------------------------------------------------------------------------

  seed(input: SeedInput): { customers: number; orders: number; checkouts: number } {
    return seed(this.data, input, this.clock());
  }

  updateCustomer(customerId: string, change: CustomerChange) {
    return changeCustomer(this.data, customerId, change, this.clock());
  }

  updateOrder(orderId: string, change: OrderChange) {
    return changeOrder(this.data, orderId, change, this.clock());
  }

  deleteCustomer(customerId: string): boolean {
    return this.data.customers.remove(customerId);
  }

  /** Scopes of a token (the configured one, or one issued through OAuth). */
  setScopes(scopes: string[], token = this.accessToken): void {
    this.tokens.set(token, new Set(scopes));
  }

  // --- faults --------------------------------------------------------------------------------------------

  /**
   * The next n requests to `on` (default the GraphQL endpoint) get this fault instead of their answer; with
   * `root`, only downloads of the bulk file of a query on that root field (`orders`, `customers`, ...).
   */
  failNext(n: number, fault: Fault, on: Route | 'any' = 'graphql', root?: string): void {
    this.faults.add(n, fault, on, root);
  }

  /** The next bulk operation ends FAILED with this errorCode, or EXPIRED. */
  failNextBulkOperation(outcome: BulkOutcome): void {
    this.bulkOperations.failNext(outcome);
  }

  /**
   * Writes a bulk query's file ahead (for benchmarks: Shopify's own running time is not the service's); the
   * next bulkOperationRunQuery of the same query on the unchanged store serves it at once.
   */
  prepareBulkQuery(query: string, options: { groupObjects?: boolean; token?: string } = {}): Promise<{ objectCount: number; fileSize: number }> {
    const scopes = this.tokens.get(options.token ?? this.accessToken) ?? new Set<string>();
    return this.bulkOperations.prepare(query, options.groupObjects === true, this.context(scopes));
  }

  get rejectedDocuments() {
    return this.records.rejectedDocuments;
  }

  get executionErrors() {
    return this.records.executionErrors;
  }

  get throttledCount(): number {
    return this.records.throttledCount;
  }

  // --- webhooks ------------------------------------------------------------------------------------------

  deliver(topic: string, payload: unknown, options?: DeliveryOptions): Promise<Delivery[]> {
    return this.webhooks.deliver(topic, payload, options);
  }

  deliverTo(url: string, topic: string, payload: unknown, options?: DeliveryOptions): Promise<Delivery> {
    return this.webhooks.deliverTo(url, topic, payload, options);
  }

  /** The JSON Shopify's webhook would carry for a resource of the fake's state (REST field names). */
  webhookPayload(topic: PayloadTopic, id: string, extra?: { ordersToRedact?: string[] }): Record<string, unknown> {
    return webhookPayload(this.data, this.shopInfo, topic, id, extra);
  }

  // --- HTTP ----------------------------------------------------------------------------------------------

  private context(scopes: ReadonlySet<string>): FakeContext {
    const services = {
      lookupNode: (type: string, id: string): unknown => {
        if (type === 'BulkOperation') {
          const op = this.bulkOperations.get(id);
          return op ? this.bulkOperations.view(op, this.baseUrl) : null;
        }
        return type === 'WebhookSubscription' ? lookupSubscription(this.webhooks, id) : null;
      },
    };
    return { data: this.data, shop: this.shopInfo, scopes, now: this.clock(), bulk: false, baseUrl: this.baseUrl, services };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.baseUrl);
      const route: Route | null = url.pathname === GRAPHQL_PATH ? 'graphql' : url.pathname.startsWith('/bulk/') ? 'bulk-file' : url.pathname.startsWith('/admin/oauth/') ? 'oauth' : null;
      const body = await readBody(req);
      if (route) {
        const fault = this.faults.take(route, route === 'bulk-file' ? this.bulkFileRoot(url) : undefined);
        if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
        else if (fault && 'drop' in fault && !(route === 'bulk-file' && fault.afterBytes)) return void req.socket.destroy();
        else if (fault && 'status' in fault) {
          const headers: Record<string, string> = fault.status === 429 ? { 'Retry-After': String(fault.retryAfter ?? 1) } : {};
          return send(res, fault.status, faultBody(fault), headers);
        } else if (fault && 'drop' in fault) return this.serveBulkFile(url, res, fault.afterBytes);
      }
      if (route === 'graphql' && req.method === 'POST') return await this.graphql(req, res, body);
      if (route === 'bulk-file' && req.method === 'GET') return this.serveBulkFile(url, res);
      if (url.pathname === '/admin/oauth/authorize' && req.method === 'GET') {
        const answer = this.oauth.authorize(url.searchParams);
        return send(res, answer.status, answer.body ?? '', answer.headers);
      }
      if (url.pathname === '/admin/oauth/access_token' && req.method === 'POST') {
        const form = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(body || '{}') : Object.fromEntries(new URLSearchParams(body));
        const answer = this.oauth.accessToken(form);
        return send(res, answer.status, answer.body);
      }
      if (/^\/admin\/api\/[^/]+\/graphql\.json$/.test(url.pathname)) {
        return send(res, 404, { errors: `The fake Shopify serves API version ${ADMIN_API_VERSION} only, not ${url.pathname}` });
      }
      send(res, 404, { errors: 'Not Found' });
    } catch (error) {
      console.error('fake Shopify: request failed:', error);
      if (!res.headersSent) send(res, 500, { errors: 'Internal Server Error' });
    }
  }

  private async graphql(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const scopes = this.tokens.get(String(req.headers['x-shopify-access-token'] ?? ''));
    if (!scopes) return send(res, 401, INVALID_TOKEN);
    let parsed: unknown;
    try {
      // Shopify also takes a bare document with Content-Type: application/graphql.
      parsed = (req.headers['content-type'] ?? '').includes('application/graphql') ? { query: body } : JSON.parse(body);
    } catch {
      return send(res, 400, { errors: 'Invalid JSON in request body' });
    }
    const answer = await this.endpoint.answer(parsed, this.context(scopes));
    this.requestsByOperation.set(answer.operationName, (this.requestsByOperation.get(answer.operationName) ?? 0) + 1);
    send(res, answer.status, answer.body);
  }

  /** The root field of the query whose file this is (`orders`, ...), as failNext's `root` names it. */
  private bulkFileRoot(url: URL): string | undefined {
    const id = /^\/bulk\/(\d+)\.jsonl$/.exec(url.pathname)?.[1];
    const query = id ? this.bulkOperations.get(id)?.query : undefined;
    return query ? /^[^{]*\{\s*(\w+)/.exec(query)?.[1] : undefined;
  }

  private serveBulkFile(url: URL, res: ServerResponse, dropAfterBytes?: number): void {
    const id = /^\/bulk\/(\d+)\.jsonl$/.exec(url.pathname)?.[1];
    const op = id ? this.bulkOperations.get(id) : undefined;
    if (!op || op.status !== 'COMPLETED' || !op.file) {
      return send(res, 404, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>', { 'Content-Type': 'application/xml' });
    }
    res.writeHead(200, { 'Content-Type': 'application/jsonl', 'Content-Length': String(op.fileSize) });
    const stream = createReadStream(op.file, dropAfterBytes ? { end: dropAfterBytes - 1 } : {});
    stream.pipe(res, { end: !dropAfterBytes });
    if (dropAfterBytes) stream.on('end', () => res.socket?.destroy());
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}
