/**
 * Bulk query operations: `bulkOperationRunQuery` checks the inner query as Shopify does (valid against the
 * schema, one top-level connection, at most 5 connections nested at most 2 deep, `id` selected by a parent
 * of a nested connection; errors in userErrors), then the operation goes CREATED → RUNNING → COMPLETED while
 * its JSONL file is written to a temporary folder (memory stays flat at any size), and is served from
 * `url`. Injected outcomes: FAILED with ACCESS_DENIED / INTERNAL_SERVER_ERROR / TIMEOUT, EXPIRED (no url);
 * a root the token has no scope for fails with ACCESS_DENIED, as on Shopify.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FragmentDefinitionNode, getNamedType, type GraphQLObjectType, Kind, type OperationDefinitionNode } from 'graphql';
import { dateTime, type FakeContext, orderVisible, type ResolverTable } from './context';
import { type ConnectionArgs, paginateList } from './connections';
import { type BulkQueryPlan, connectionNodes, jsonlLines } from './jsonl';
import { adminSchema, parseAndValidate } from './schema';
import { parseSearch } from './search-query';
import { gid, type Resource, type SortKey } from './state';

export type BulkErrorCode = 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | 'TIMEOUT';
export type BulkOutcome = { status: 'FAILED'; errorCode: BulkErrorCode } | { status: 'EXPIRED' };
type Status = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'EXPIRED' | 'CANCELING' | 'CANCELED';

export interface BulkOptions {
  /** How long an operation stays CREATED, then at least how long RUNNING (ms). Defaults 50 and 250. */
  createdMs?: number;
  runningMs?: number;
  /** Write children away from their parents (unless the query asked groupObjects: true). */
  interleave?: boolean;
  /** Operations that may run at once (Shopify: 5 from 2026-01). */
  maxConcurrent?: number;
}

interface RenderedFile {
  path: string;
  fileSize: number;
  objectCount: number;
  rootObjectCount: number;
}

export interface BulkOperationRecord {
  id: string;
  query: string;
  status: Status;
  errorCode: BulkErrorCode | null;
  createdAt: number;
  completedAt: number | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  file: string | null;
  groupObjects: boolean;
}

const ROOT_SCOPES: Record<string, string> = { customers: 'read_customers', orders: 'read_orders', abandonedCheckouts: 'read_orders' };
const ACTIVE = new Set<Status>(['CREATED', 'RUNNING', 'CANCELING']);
const LINES_PER_WRITE = 500;

export class BulkOperations {
  private readonly operations = new Map<string, BulkOperationRecord>();
  private readonly outcomes: BulkOutcome[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly folder = mkdtempSync(join(tmpdir(), 'fake-shopify-bulk-'));
  /** Files written, by what determines their content: an unchanged store's file is served again. */
  private readonly files = new Map<string, RenderedFile>();
  private nextFile = 1;
  private nextId = 1;
  private readonly options: Required<BulkOptions>;

  constructor(options: BulkOptions, private readonly resolvers: ResolverTable) {
    this.options = { createdMs: 50, runningMs: 250, interleave: false, maxConcurrent: 5, ...options };
  }

  /** The next operation ends with this outcome instead of COMPLETED (queued, one per operation). */
  failNext(outcome: BulkOutcome): void {
    this.outcomes.push(outcome);
  }

  get(id: string): BulkOperationRecord | undefined {
    return this.operations.get(id);
  }

  all(): BulkOperationRecord[] {
    return [...this.operations.values()];
  }

  /** A completed operation's results expire (as after 7 days): status EXPIRED, url gone. */
  expire(id: string): void {
    const op = this.operations.get(id);
    if (!op) throw new Error(`fake Shopify: no bulk operation ${id}`);
    op.status = 'EXPIRED';
    this.removeFile(op);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    rmSync(this.folder, { recursive: true, force: true });
  }

  view(op: BulkOperationRecord, baseUrl: string) {
    return {
      __typename: 'BulkOperation',
      id: gid('BulkOperation', op.id),
      type: 'QUERY',
      status: op.status,
      errorCode: op.errorCode,
      query: op.query,
      createdAt: dateTime(op.createdAt),
      completedAt: dateTime(op.completedAt),
      objectCount: String(op.objectCount),
      rootObjectCount: String(op.rootObjectCount),
      fileSize: op.fileSize === null ? null : String(op.fileSize),
      url: op.status === 'COMPLETED' && op.file ? `${baseUrl}/bulk/${op.id}.jsonl` : null,
      partialDataUrl: null,
    };
  }

  run(query: string, groupObjects: boolean, ctx: FakeContext) {
    const planned = plan(query);
    if ('error' in planned) return { bulkOperation: null, userErrors: [{ field: ['query'], message: planned.error, code: 'INVALID' }] };
    const running = this.all().filter((o) => ACTIVE.has(o.status));
    if (running.length >= this.options.maxConcurrent) {
      const message = `A bulk query operation for this app and shop is already in progress: ${gid('BulkOperation', running[0].id)}.`;
      return { bulkOperation: null, userErrors: [{ field: null, message, code: 'OPERATION_IN_PROGRESS' }] };
    }
    const op: BulkOperationRecord = {
      id: String(this.nextId++), query, status: 'CREATED', errorCode: null, createdAt: ctx.now, completedAt: null,
      objectCount: 0, rootObjectCount: 0, fileSize: null, file: null, groupObjects,
    };
    this.operations.set(op.id, op);
    const scope = ROOT_SCOPES[planned.plan.root.name.value];
    const outcome: BulkOutcome | undefined = ctx.scopes.has(scope) ? this.outcomes.shift() : { status: 'FAILED', errorCode: 'ACCESS_DENIED' };
    this.later(this.options.createdMs, () => void this.execute(op, planned.plan, outcome, { ...ctx, bulk: true }));
    return { bulkOperation: this.view(op, ctx.baseUrl), userErrors: [] };
  }

  cancel(id: string, baseUrl: string) {
    const op = this.operations.get(id);
    if (!op) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
    if (!ACTIVE.has(op.status)) {
      const message = `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}`;
      return { bulkOperation: this.view(op, baseUrl), userErrors: [{ field: null, message }] };
    }
    op.status = 'CANCELING';
    return { bulkOperation: this.view(op, baseUrl), userErrors: [] };
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private async execute(op: BulkOperationRecord, plan: BulkQueryPlan, outcome: BulkOutcome | undefined, ctx: FakeContext): Promise<void> {
    if (op.status === 'CANCELING') return this.finish(op, 'CANCELED');
    op.status = 'RUNNING';
    const started = Date.now();
    try {
      if (!outcome || outcome.status === 'EXPIRED') await this.writeFile(op, plan, ctx);
    } catch (error) {
      outcome = { status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR' };
      console.error(`fake Shopify: bulk operation ${op.id} failed while writing:`, error);
    }
    this.later(Math.max(0, this.options.runningMs - (Date.now() - started)), () => {
      if (op.status === 'CANCELING') return this.finish(op, 'CANCELED');
      if (!outcome) return this.finish(op, 'COMPLETED');
      if (outcome.status === 'EXPIRED') {
        this.finish(op, 'EXPIRED');
        return this.removeFile(op);
      }
      op.errorCode = outcome.errorCode;
      this.finish(op, 'FAILED');
      this.removeFile(op);
    });
  }

  private finish(op: BulkOperationRecord, status: Status): void {
    op.status = status;
    op.completedAt = Date.now();
    if (status === 'COMPLETED' && op.objectCount === 0) this.removeFile(op);
  }

  /** The operation's url is gone; the file itself stays until close (another operation may serve it). */
  private removeFile(op: BulkOperationRecord): void {
    op.file = null;
  }

  /**
   * Writes the query's file ahead of time (outside a benchmark's timed part): a later bulkOperationRunQuery
   * of the same query over the unchanged store serves it without writing it again.
   */
  async prepare(query: string, groupObjects: boolean, ctx: FakeContext): Promise<{ objectCount: number; fileSize: number }> {
    const planned = plan(query);
    if ('error' in planned) throw new Error(`fake Shopify: ${planned.error}`);
    const file = await this.render(planned.plan, query, groupObjects, { ...ctx, bulk: true }, () => false);
    return { objectCount: file.objectCount, fileSize: file.fileSize };
  }

  private async writeFile(op: BulkOperationRecord, plan: BulkQueryPlan, ctx: FakeContext): Promise<void> {
    const file = await this.render(plan, op.query, op.groupObjects, ctx, () => op.status === 'CANCELING', op);
    if (op.status === 'CANCELING') return;
    Object.assign(op, { file: file.path, fileSize: file.fileSize, objectCount: file.objectCount, rootObjectCount: file.rootObjectCount });
  }

  private async render(
    plan: BulkQueryPlan, query: string, groupObjects: boolean, ctx: FakeContext, stop: () => boolean, progress?: BulkOperationRecord,
  ): Promise<RenderedFile> {
    const interleave = this.options.interleave && !groupObjects;
    // What the content depends on: the query, the order of lines, the store, and which orders are visible.
    const key = JSON.stringify([query, interleave, ctx.data.version, [...ctx.scopes].sort(), ctx.scopes.has('read_all_orders') ? 0 : ctx.now]);
    const known = this.files.get(key);
    if (known) return known;
    const path = join(this.folder, `${this.nextFile++}.jsonl`);
    const out = createWriteStream(path);
    const counts = progress ?? { objectCount: 0, rootObjectCount: 0 };
    const lines = jsonlLines(plan, roots(plan, ctx), this.resolvers, ctx, interleave, counts);
    let bytes = 0;
    let batch: string[] = [];
    const flush = async () => {
      const chunk = batch.join('\n') + '\n';
      batch = [];
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      await new Promise((resolve) => setImmediate(resolve));
    };
    let stopped = false;
    for (const line of lines) {
      if ((stopped = stop())) break;
      batch.push(line);
      if (batch.length >= LINES_PER_WRITE) await flush();
    }
    if (batch.length > 0 && !stopped) await flush();
    out.end();
    await once(out, 'finish');
    const file = { path, fileSize: bytes, objectCount: counts.objectCount, rootObjectCount: counts.rootObjectCount };
    if (!stopped) this.files.set(key, file);
    return file;
  }
}

/** The top-level connection's nodes in the order the query asks for (id order by default). */
function* roots(plan: BulkQueryPlan, ctx: FakeContext): Generator<Resource> {
  const args: Record<string, unknown> = {};
  for (const a of plan.root.arguments ?? []) {
    args[a.name.value] = a.value.kind === Kind.STRING || a.value.kind === Kind.ENUM ? a.value.value : a.value.kind === Kind.BOOLEAN ? a.value.value : undefined;
  }
  const filter = parseSearch(args.query as string | undefined);
  const sortKey: SortKey = args.sortKey === 'UPDATED_AT' ? 'UPDATED_AT' : args.sortKey === 'CREATED_AT' || args.sortKey === 'PROCESSED_AT' ? 'CREATED_AT' : 'ID';
  const name = plan.root.name.value;
  const collection = name === 'customers' ? ctx.data.customers : name === 'orders' ? ctx.data.orders : ctx.data.checkouts;
  const sorted: Resource[] = collection.sortedBy(sortKey);
  const visible = (item: Resource): boolean =>
    name === 'orders' ? orderVisible(ctx, item as never) : name === 'abandonedCheckouts' ? (item as { completedAt: number | null }).completedAt === null : true;
  const n = sorted.length;
  for (let i = 0; i < n; i++) {
    const item = sorted[args.reverse === true ? n - 1 - i : i];
    if (visible(item) && filter.matches(item)) yield item;
  }
}

/** Checks a bulk query the way Shopify does; the plan to run it, or the userError's message. */
export function plan(query: string): { plan: BulkQueryPlan } | { error: string } {
  const parsed = parseAndValidate(query);
  if (!parsed.document) return { error: `Invalid bulk query: ${parsed.errors[0].message}` };
  const operations = parsed.document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0].operation !== 'query') return { error: 'Bulk queries must be a single query operation.' };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of parsed.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const top = operations[0].selectionSet.selections.filter((s) => s.kind !== Kind.FIELD || s.name.value !== '__typename');
  if (top.length !== 1 || top[0].kind !== Kind.FIELD) return { error: 'Bulk queries must have exactly one top-level field.' };
  const root = top[0];
  const schema = adminSchema();
  const rootType = getNamedType(schema.getQueryType()!.getFields()[root.name.value].type) as GraphQLObjectType;
  if (!rootType.name.endsWith('Connection') || !root.selectionSet) return { error: 'Bulk queries must contain at least one connection.' };
  if (!(root.name.value in ROOT_SCOPES)) return { error: `The fake Shopify runs bulk queries over customers, orders and abandonedCheckouts, not ${root.name.value}.` };
  const { nodeType, selections } = connectionNodes(rootType, root.selectionSet, fragments);
  const problems = checkNesting(nodeType, selections, fragments, 1, { connections: 1 });
  if (problems) return { error: problems };
  return { plan: { root, nodeType, nodeSelections: selections, fragments } };
}

function checkNesting(
  type: GraphQLObjectType,
  sets: readonly import('graphql').SelectionSetNode[],
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  seen: { connections: number },
): string | null {
  const fields = sets.flatMap((s) => s.selections.filter((x) => x.kind === Kind.FIELD));
  const selectsId = fields.some((f) => f.name.value === 'id');
  for (const field of fields) {
    const def = type.getFields()[field.name.value];
    const named = def ? getNamedType(def.type) : null;
    if (!named || !field.selectionSet || !('getFields' in named)) continue;
    if (named.name.endsWith('Connection')) {
      seen.connections += 1;
      if (seen.connections > 5) return 'Bulk queries cannot contain more than 5 connections.';
      if (depth + 1 > 2) return 'Bulk queries cannot contain connections with a nesting depth greater than 2.';
      if (!selectsId) return `The parent 'node' field for a nested connection must select the 'id' field. Connection fields without 'id': [${field.name.value}].`;
      const inner = connectionNodes(named as GraphQLObjectType, field.selectionSet, fragments);
      const problem = checkNesting(inner.nodeType, inner.selections, fragments, depth + 1, seen);
      if (problem) return problem;
    } else if ('getFields' in named && (named as GraphQLObjectType).getFields) {
      const problem = checkNesting(named as GraphQLObjectType, [field.selectionSet], fragments, depth, seen);
      if (problem) return problem;
    }
  }
  return null;
}

export function bulkResolvers(bulk: () => BulkOperations): ResolverTable {
  return {
    Mutation: {
      bulkOperationRunQuery: (_s, args: { query: string; groupObjects?: boolean }, ctx) => bulk().run(args.query, args.groupObjects === true, ctx),
      bulkOperationCancel: (_s, args: { id: string }, ctx) => bulk().cancel(args.id.split('/').pop() ?? '', ctx.baseUrl),
    },
    QueryRoot: {
      currentBulkOperation: (_s, _a, ctx) => {
        const latest = bulk().all().pop();
        return latest ? bulk().view(latest, ctx.baseUrl) : null;
      },
      // Newest first by default, as Shopify lists them; `query` filters by status:… and operation_type:….
      bulkOperations: (_s, args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, ctx) => {
        const terms = (args.query ?? '').split(/\s+(?:AND\s+)?/).filter(Boolean).map((t) => t.split(':'));
        for (const [field] of terms) if (field !== 'status' && field !== 'operation_type') throw new Error(`The fake Shopify does not support the search field "${field}" on bulkOperations`);
        const matching = bulk().all().filter((op) => terms.every(([field, value]) =>
          field === 'status' ? op.status === value.toUpperCase() : value.toUpperCase() === 'QUERY'));
        return paginateList(matching.reverse().map((op) => bulk().view(op, ctx.baseUrl)), args);
      },
      bulkOperation: (_s, args: { id: string }, ctx) => {
        const op = bulk().get(args.id.split('/').pop() ?? '');
        return op ? bulk().view(op, ctx.baseUrl) : null;
      },
    },
  };
}
