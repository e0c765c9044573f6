import { randomUUID } from 'node:crypto';

/** JSON:API answers and errors in Klaviyo's shapes, and cursor pagination over arrays and live Sets. */
export const CONTENT_TYPE = 'application/vnd.api+json';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class KlaviyoProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly pointer?: string,
    readonly meta?: Record<string, unknown>,
  ) {
    super(`${status} ${code}: ${detail}`);
  }

  static invalid(detail: string, pointer = '/data'): KlaviyoProblem {
    return new KlaviyoProblem(400, 'invalid', 'Invalid input.', detail, pointer);
  }

  static notFound(what: string): KlaviyoProblem {
    return new KlaviyoProblem(404, 'not_found', 'Not found.', `${what} does not exist.`);
  }
}

export function errorBody(problem: KlaviyoProblem): unknown {
  return {
    errors: [
      {
        id: randomUUID(),
        status: problem.status,
        code: problem.code,
        title: problem.title,
        detail: problem.detail,
        source: problem.pointer ? { pointer: problem.pointer } : {},
        links: {},
        meta: problem.meta ?? {},
      },
    ],
  };
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A page of an array by offset; the cursor is the opaque offset. */
export function pageOfArray<T>(items: readonly T[], cursor: string | undefined, size: number, keep: (item: T) => boolean = () => true): Page<T> {
  let at = decodeOffset(cursor);
  const out: T[] = [];
  while (at < items.length && out.length < size) {
    const item = items[at++];
    if (keep(item)) out.push(item);
  }
  while (at < items.length && !keep(items[at])) at += 1;
  return { items: out, nextCursor: at < items.length ? encodeOffset(at) : undefined };
}

/**
 * A page of a Set (a list's members) without rescanning it for each page: the iterator behind a cursor is
 * kept (Set iterators stay valid under inserts and deletes) and resumed; an unknown cursor falls back to
 * skipping by offset.
 */
export class SetPager {
  private readonly live = new Map<string, { iterator: Iterator<string>; offset: number }>();

  page(set: Set<string>, cursor: string | undefined, size: number): Page<string> {
    const offset = decodeOffset(cursor);
    let entry = cursor ? this.live.get(cursor) : undefined;
    if (cursor) this.live.delete(cursor);
    if (!entry) {
      const iterator = set.values();
      for (let i = 0; i < offset && !iterator.next().done; i++);
      entry = { iterator, offset };
    }
    const items: string[] = [];
    let next = entry.iterator.next();
    while (!next.done) {
      items.push(next.value);
      if (items.length === size) break;
      next = entry.iterator.next();
    }
    if (next.done || entry.offset + items.length >= set.size) return { items };
    const token = `${encodeOffset(entry.offset + items.length)}.${randomUUID().slice(0, 8)}`;
    this.live.set(token, { iterator: entry.iterator, offset: entry.offset + items.length });
    if (this.live.size > 1000) this.live.delete(this.live.keys().next().value!);
    return { items, nextCursor: token };
  }
}

/** links.self / links.next as Klaviyo gives them: absolute URLs with page[cursor]. */
export function pageLinks(baseUrl: string, path: string, query: URLSearchParams, nextCursor: string | undefined): Record<string, string | null> {
  const self = new URLSearchParams(query);
  const link = (params: URLSearchParams) => `${baseUrl}${path}${params.size ? `?${params.toString()}` : ''}`;
  let next: string | null = null;
  if (nextCursor) {
    const params = new URLSearchParams(query);
    params.set('page[cursor]', nextCursor);
    next = link(params);
  }
  return { self: link(self), next, prev: null };
}

/**
 * The cursor a request carries. The SDK strips a full `links.next` URL down to its cursor only when it is
 * https (Klaviyo's); against this http fake a client passing links.next would send the whole URL, so
 * accept both.
 */
export function cursorOf(query: URLSearchParams): string | undefined {
  const raw = query.get('page[cursor]') ?? undefined;
  if (!raw || !raw.includes('://')) return raw;
  return new URL(raw).searchParams.get('page[cursor]') ?? undefined;
}

export function pageSize(query: URLSearchParams, schema: Record<string, unknown> | undefined, fallback = 20): number {
  const min = Number(schema?.minimum ?? 1);
  const max = Number(schema?.maximum ?? 100);
  const raw = query.get('page[size]');
  if (raw === null) return Number(schema?.default ?? fallback);
  const size = Number(raw);
  if (!Number.isInteger(size) || size < min || size > max) {
    throw new KlaviyoProblem(400, 'invalid', 'Invalid input.', `page[size] must be an integer between ${min} and ${max}`, undefined);
  }
  return size;
}

function encodeOffset(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  const text = Buffer.from(cursor.split('.')[0], 'base64url').toString('utf8');
  const match = /^o:(\d+)$/.exec(text);
  if (!match) throw new KlaviyoProblem(400, 'invalid', 'Invalid input.', `page[cursor] '${cursor}' is not a valid cursor`);
  return Number(match[1]);
}
