import { allowedFilters, FilterError, parseFilter, type Condition } from '../filters';
import { KlaviyoProblem, pageSize, type Reply, type SetPager } from '../json-api';
import type { Operation } from '../openapi';
import type { FakeState } from '../state';

/** What a route handler gets: the parsed, authenticated, admitted and schema-valid request. */
export interface RouteContext {
  state: FakeState;
  operation: Operation;
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  baseUrl: string;
  now(): string;
  pager: SetPager;
  jobs: JobScheduler;
}

export interface JobScheduler {
  /** Runs `step` after `ms` (scaled job time), unless the fake closes first. */
  later(ms: number, step: () => void): void;
  delayMs: number;
}

export type Handler = (context: RouteContext) => Reply | Promise<Reply>;
export type Routes = Record<string, Handler>;

/** The request's `filter`, checked against the fields and operators the operation allows. */
export function filterOf(context: RouteContext): Condition[] {
  const text = context.query.get('filter');
  if (!text) return [];
  const allowed = allowedFilters(context.operation.parameters.filter?.description);
  try {
    return parseFilter(text, allowed);
  } catch (error) {
    if (error instanceof FilterError) throw new KlaviyoProblem(400, 'invalid', 'Invalid filter provided.', error.message, undefined);
    throw error;
  }
}

export function sizeOf(context: RouteContext, fallback = 20): number {
  return pageSize(context.query, context.operation.parameters['page[size]']?.schema, fallback);
}

/** Sparse fieldsets: `fields[list]=name,created` keeps only those attributes. */
export function sparse<T extends { type?: unknown; attributes?: Record<string, unknown> }>(context: RouteContext, resource: T): T {
  const fields = context.query.get(`fields[${String(resource.type)}]`);
  if (!fields || !resource.attributes) return resource;
  const keep = new Set(fields.split(','));
  const attributes = Object.fromEntries(Object.entries(resource.attributes).filter(([key]) => keep.has(key)));
  return { ...resource, attributes };
}

/** The equals/any values a filter puts on one field at top level (an index lookup instead of a scan). */
export function indexedValues(conditions: Condition[], field: string): string[] | undefined {
  for (const condition of conditions) {
    if (!('field' in condition) || condition.field !== field) continue;
    if (condition.op === 'equals') return [String(condition.value)];
    if (condition.op === 'any' && Array.isArray(condition.value)) return condition.value.map(String);
  }
  return undefined;
}

export function requireMaxItems(operation: Operation, count: number, what: string, pointer: string): void {
  if (operation.maxItems !== undefined && count > operation.maxItems) {
    throw KlaviyoProblem.invalid(`${count} ${what} sent; ${operation.id} accepts at most ${operation.maxItems} per request.`, pointer);
  }
}
