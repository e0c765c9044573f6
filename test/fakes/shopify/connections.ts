/**
 * Relay connections as Shopify serves them: `first`/`after` or `last`/`before` (one of first or last is
 * required, at most 250), `reverse`, `sortKey`, `query`; opaque cursors (base64 JSON of the sort value and
 * id, so a cursor stays valid while other records change); `edges { cursor node }`, `nodes`, `pageInfo`.
 */
import { GraphQLError } from 'graphql';
import type { SearchFilter } from './search-query';
import { compareIds, type Resource, type SortKey, sortValue } from './state';

export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Checks first/last the way Shopify does; returns the page size. */
export function pageSize(args: ConnectionArgs): number {
  const { first, last } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  }
  const size = (first ?? last) as number;
  if (size < 0 || size > MAX_PAGE_SIZE) {
    throw new GraphQLError(`The ${first !== undefined && first !== null ? 'first' : 'last'} argument must be between 0 and ${MAX_PAGE_SIZE}`, {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  return size;
}

type Key = [number, string];

function keyOf(item: Resource, sortKey: SortKey): Key {
  return [sortValue(item, sortKey), item.id];
}

function compareKeys(a: Key, b: Key): number {
  return a[0] - b[0] || compareIds(a[1], b[1]);
}

export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify({ v: key[0], id: key[1] })).toString('base64url');
}

function decodeCursor(cursor: string): Key {
  try {
    const { v, id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v: number; id: string };
    if (typeof v === 'number' && typeof id === 'string') return [v, id];
  } catch {
    // fall through to the error Shopify gives
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST' } });
}

/** First index in `sorted` (ascending) whose key is greater than (or equal to, when !strict) `key`. */
function lowerIndex(sorted: Resource[], sortKey: SortKey, key: Key, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keyOf(sorted[mid], sortKey), key);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One page of `sorted` (ascending by sortKey then id) as a connection. Positions are logical: with reverse,
 * logical 0 is the last element. `visible` filters (search query, scopes) and is applied while scanning.
 */
export function paginate<T extends Resource>(
  sorted: T[],
  sortKey: SortKey,
  args: ConnectionArgs,
  visible: (item: T) => boolean,
  filter?: SearchFilter,
  view: (item: T) => unknown = (item) => item,
): Connection<unknown> {
  const size = pageSize(args);
  const reverse = args.reverse === true;
  const n = sorted.length;
  const at = (logical: number): T => sorted[reverse ? n - 1 - logical : logical];
  // Physical index i ↔ logical reverse ? n-1-i : i. "after c": logical positions past c.
  const afterLogical = (cursor: string): number => {
    const key = decodeCursor(cursor);
    return reverse ? n - lowerIndex(sorted, sortKey, key, false) : lowerIndex(sorted, sortKey, key, true);
  };
  const beforeLogical = (cursor: string): number => {
    const key = decodeCursor(cursor);
    return reverse ? n - lowerIndex(sorted, sortKey, key, true) : lowerIndex(sorted, sortKey, key, false);
  };
  let start = args.after ? afterLogical(args.after) : 0;
  const end = args.before ? beforeLogical(args.before) : n;
  const bound = filter?.lowerBound;
  if (bound && !reverse && ((bound.field === 'updatedAt' && sortKey === 'UPDATED_AT') || (bound.field === 'createdAt' && sortKey === 'CREATED_AT'))) {
    start = Math.max(start, lowerIndex(sorted, sortKey, [bound.value, bound.inclusive ? '' : '9'.repeat(20)], false));
  }
  const ok = (item: T): boolean => visible(item) && (!filter || filter.matches(item));
  const picked: T[] = [];
  let hasNextPage = false;
  let hasPreviousPage = false;
  if (args.first !== undefined && args.first !== null) {
    let i = start;
    for (; i < end && picked.length < size; i++) if (ok(at(i))) picked.push(at(i));
    for (; i < end && !hasNextPage; i++) hasNextPage = ok(at(i));
    for (let j = start - 1; j >= 0 && !hasPreviousPage; j--) hasPreviousPage = ok(at(j));
  } else {
    let i = end - 1;
    for (; i >= start && picked.length < size; i--) if (ok(at(i))) picked.unshift(at(i));
    for (; i >= start && !hasPreviousPage; i--) hasPreviousPage = ok(at(i));
    for (let j = end; j < n && !hasNextPage; j++) hasNextPage = ok(at(j));
  }
  const edges = picked.map((item) => ({ cursor: encodeCursor(keyOf(item, sortKey)), node: view(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** A connection over a short fixed list (an order's line items): cursors are positions. */
export function paginateList<T>(items: T[], args: ConnectionArgs, unbounded = false): Connection<T> {
  // A bulk operation reads every node and no cursors: skip making them.
  if (unbounded && !args.after && !args.before && !args.reverse) {
    return { edges: [], nodes: items, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
  }
  const size = unbounded ? Number.MAX_SAFE_INTEGER : pageSize(args);
  const position = (cursor: string): number => {
    const p = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(p)) throw new GraphQLError('Invalid cursor.', { extensions: { code: 'BAD_REQUEST' } });
    return p;
  };
  const ordered = args.reverse ? [...items].reverse() : items;
  const start = args.after ? position(args.after) + 1 : 0;
  const end = args.before ? position(args.before) : ordered.length;
  const useLast = !unbounded && (args.first === undefined || args.first === null);
  const from = useLast ? Math.max(start, end - size) : start;
  const to = useLast ? end : Math.min(end, start + size);
  const edges: { cursor: string; node: T }[] = [];
  for (let i = from; i < to; i++) edges.push({ cursor: Buffer.from(String(i)).toString('base64url'), node: ordered[i] });
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: to < end,
      hasPreviousPage: from > start || (from > 0 && start > 0),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
