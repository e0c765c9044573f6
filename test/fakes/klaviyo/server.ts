import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults, type FaultSpec } from './faults';
import { CONTENT_TYPE, errorBody, KlaviyoProblem, SetPager, type Reply } from './json-api';
import { klaviyoContract, REVISION, type BodyError, type Operation } from './openapi';
import { RateLimiter, type RateLimitSetting } from './rate-limits';
import { accountRoutes } from './routes/account';
import { bulkImportRoutes } from './routes/bulk-import';
import type { JobScheduler, RouteContext, Routes } from './routes/context';
import { eventRoutes } from './routes/events';
import { listRoutes } from './routes/lists';
import { profileRoutes } from './routes/profiles';
import { emailKey, FakeState, type FakeList, type FakeProfile } from './state';

export interface FakeKlaviyoOptions {
  /** Private API keys the fake accepts (`Authorization: Klaviyo-API-Key <key>`). */
  apiKeys: string[];
  /** 'published' (default): each operation's burst/steady/daily limits from the OpenAPI document. */
  rateLimits?: RateLimitSetting;
  /** Multiplies every rate-limit window (0.1: burst windows of 100 ms). Default 1. */
  timeScale?: number;
  /** How long a profile bulk import job takes from queued to complete, in ms. Default 500. */
  jobDelayMs?: number;
  /** Keep every valid request body in `received` (for tests that show what a client sends). Default false. */
  recordBodies?: boolean;
  port?: number;
}

export interface RejectedRequest {
  operation: string;
  method: string;
  path: string;
  status: number;
  detail: string;
  errors: BodyError[];
}

const ROUTES: Routes = { ...accountRoutes, ...listRoutes, ...profileRoutes, ...bulkImportRoutes, ...eventRoutes };
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * A fake Klaviyo REST API (revision 2026-07-15) on 127.0.0.1: real HTTP, Klaviyo's auth and JSON:API
 * shapes, every request body validated against the published OpenAPI document, per-operation published
 * rate limits, stateful lists/profiles/jobs/events, and faults on demand. See README.md beside this file.
 */
export class FakeKlaviyo {
  readonly state = new FakeState();
  readonly callCounts: Record<string, number> = {};
  readonly throttledCounts: Record<string, number> = {};
  readonly rejectedRequests: RejectedRequest[] = [];
  readonly received: Array<{ operation: string; body: unknown }> = [];
  /** CPU time the fake spent per operation (parse, validate, handle) and on bulk jobs ('job-processing'), ms. */
  readonly busyMs: Record<string, number> = {};
  readonly baseUrl: string;
  private readonly contract = klaviyoContract();
  private readonly faults = new Faults();
  private readonly limiter: RateLimiter;
  private readonly pager = new SetPager();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Set<ServerResponse>();
  private readonly jobs: JobScheduler;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeKlaviyoOptions,
  ) {
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.limiter = new RateLimiter(options.rateLimits ?? 'published', options.timeScale ?? 1);
    this.jobs = { delayMs: options.jobDelayMs ?? 500, later: (ms, step) => this.later(ms, step) };
  }

  static async start(options: FakeKlaviyoOptions): Promise<FakeKlaviyo> {
    let fake: FakeKlaviyo | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    fake = new FakeKlaviyo(server, options);
    return fake;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  inject(fault: FaultSpec): void {
    this.faults.inject(fault);
  }

  get faultsFired() {
    return this.faults.fired;
  }

  get subscriptionChanges() {
    return this.state.subscriptionChanges;
  }

  listsNamed(name: string): FakeList[] {
    return [...this.state.lists.values()].filter((list) => list.name === name);
  }

  profileByExternalId(externalId: string): FakeProfile | undefined {
    const id = this.state.byExternalId.get(externalId);
    return id === undefined ? undefined : this.state.profiles.get(id);
  }

  profileByEmail(email: string): FakeProfile | undefined {
    const id = this.state.byEmail.get(emailKey(email));
    return id === undefined ? undefined : this.state.profiles.get(id);
  }

  eventsOf(metricName: string) {
    const metric = [...this.state.metrics.values()].find((m) => m.name === metricName);
    return metric ? this.state.events.filter((event) => event.metricId === metric.id) : [];
  }

  /** Resolves once every bulk job started so far has completed. */
  async settle(): Promise<void> {
    while (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  totalCalls(): number {
    return Object.values(this.callCounts).reduce((a, b) => a + b, 0);
  }

  resetCounters(): void {
    for (const counts of [this.callCounts, this.throttledCounts]) for (const key of Object.keys(counts)) delete counts[key];
    this.rejectedRequests.length = 0;
  }

  private later(ms: number, step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const started = performance.now();
      step();
      this.busy('job-processing', started);
    }, ms);
    this.timers.add(timer);
  }

  private busy(key: string, started: number): void {
    this.busyMs[key] = (this.busyMs[key] ?? 0) + (performance.now() - started);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const routed = this.contract.route(method, url.pathname);
    if (!routed) {
      return this.send(res, problemReply(KlaviyoProblem.notFound(`The endpoint ${method} ${url.pathname}`)));
    }
    const { operation, params } = routed;
    this.callCounts[operation.id] = (this.callCounts[operation.id] ?? 0) + 1;
    try {
      const apiKey = this.authenticate(req, url, operation);
      const revision = req.headers.revision;
      if (revision !== REVISION) {
        throw KlaviyoProblem.invalid(`The revision header must be ${REVISION} (got ${revision === undefined ? 'none' : `'${String(revision)}'`}).`, undefined);
      }
      const decision = this.limiter.admit(apiKey, operation);
      if (!decision.allowed) {
        this.throttledCounts[operation.id] = (this.throttledCounts[operation.id] ?? 0) + 1;
        return this.send(res, throttled(decision.retryAfterSeconds, decision.window ?? 'steady'));
      }
      const rateHeaders = { 'RateLimit-Limit': String(decision.limit), 'RateLimit-Remaining': String(decision.remaining), 'RateLimit-Reset': String(decision.resetSeconds) };
      const fault = this.faults.take(operation.id);
      if (fault?.kind === '500' || fault?.kind === '503') {
        const status = Number(fault.kind);
        return this.send(res, problemReply(new KlaviyoProblem(status, 'error', status === 500 ? 'A server error occurred.' : 'Service unavailable.', `Injected ${status}.`)));
      }
      if (fault?.kind === '429') return this.send(res, throttled(fault.retryAfterSeconds ?? 1, 'burst'));
      if (fault?.kind === 'timeout') return this.hold(req, res, fault.holdMs ?? 60_000);
      const body = await this.readBody(req, operation);
      const started = performance.now();
      const reply = await ROUTES[operation.id]?.(this.context(operation, params, url, body));
      this.busy(operation.id, started);
      if (!reply) throw new KlaviyoProblem(501, 'not_implemented', 'Not implemented.', `The fake does not implement ${operation.id} (${method} ${operation.template}).`);
      if (fault?.kind === 'drop-after-write') return void res.socket?.destroy();
      return this.send(res, { ...reply, headers: { ...rateHeaders, ...reply.headers } });
    } catch (error) {
      if (!(error instanceof KlaviyoProblem)) {
        return this.send(res, problemReply(new KlaviyoProblem(500, 'error', 'A server error occurred.', `fake failure: ${String(error)}`)));
      }
      if ([400, 413, 415, 501].includes(error.status)) {
        this.rejectedRequests.push({ operation: operation.id, method, path: url.pathname, status: error.status, detail: error.detail, errors: (error.meta?.errors as BodyError[]) ?? [] });
      }
      return this.send(res, problemReply(error));
    }
  }

  private authenticate(req: IncomingMessage, url: URL, operation: Operation): string {
    if (operation.template.startsWith('/client/')) {
      const companyId = url.searchParams.get('company_id');
      if (!companyId) throw new KlaviyoProblem(400, 'invalid', 'Invalid input.', 'company_id is required for client endpoints.', undefined);
      return `client:${companyId}`;
    }
    const header = req.headers.authorization ?? '';
    const match = /^Klaviyo-API-Key (\S+)$/.exec(header);
    if (!match || !this.options.apiKeys.includes(match[1])) {
      // Never echo the key: secrets stay out of logs and errors.
      throw new KlaviyoProblem(401, 'not_authenticated', 'Authentication credentials were not provided.', match ? 'Incorrect authentication credentials.' : 'Missing or invalid Authorization header.', undefined);
    }
    return match[1];
  }

  private async readBody(req: IncomingMessage, operation: Operation): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    }
    if (!operation.bodySchema) return undefined;
    const limit = operation.maxBytes ?? MAX_BODY_BYTES;
    if (size > limit) {
      throw new KlaviyoProblem(413, 'request_too_large', 'Request entity too large.', `The payload is ${size} bytes; ${operation.id} accepts at most ${limit} bytes.`, undefined);
    }
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/(vnd\.api\+)?json/.test(type)) {
      throw new KlaviyoProblem(415, 'unsupported_media_type', 'Unsupported media type.', `Content-Type '${type}' is not JSON.`, undefined);
    }
    const started = performance.now();
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw KlaviyoProblem.invalid('The request body is not valid JSON.', undefined);
    }
    if (this.options.recordBodies) this.received.push({ operation: operation.id, body });
    const errors = this.contract.validateBody(operation, body);
    this.busy(operation.id, started);
    if (errors.length) {
      const [first] = errors;
      throw new KlaviyoProblem(400, 'invalid', 'Invalid input.', first.detail, first.pointer, { errors });
    }
    return body;
  }

  private context(operation: Operation, params: Record<string, string>, url: URL, body: unknown): RouteContext {
    return {
      state: this.state,
      operation,
      params,
      query: url.searchParams,
      path: url.pathname,
      body,
      baseUrl: this.baseUrl,
      now: () => new Date().toISOString(),
      pager: this.pager,
      jobs: this.jobs,
    };
  }

  private hold(req: IncomingMessage, res: ServerResponse, ms: number): void {
    this.held.add(res);
    req.resume();
    const timer = setTimeout(() => {
      this.held.delete(res);
      res.destroy();
    }, ms);
    res.on('close', () => {
      clearTimeout(timer);
      this.held.delete(res);
    });
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { ...(payload ? { 'Content-Type': CONTENT_TYPE } : {}), 'Content-Length': Buffer.byteLength(payload), ...reply.headers });
    res.end(payload);
  }
}

function problemReply(problem: KlaviyoProblem): Reply {
  return { status: problem.status, body: errorBody(problem) };
}

function throttled(retryAfterSeconds: number, window: string): Reply {
  const problem = new KlaviyoProblem(429, 'throttled', 'Request was throttled.', `Request was throttled (${window} limit). Expected available in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`, '/data/');
  return { status: 429, body: errorBody(problem), headers: { 'Retry-After': String(retryAfterSeconds) } };
}
