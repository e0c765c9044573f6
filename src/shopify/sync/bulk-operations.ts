import { bulkFailureMessage, missingScopeMessage, missingScopes, type ShopifyResource } from '../core/bulk-failures';
import { ShopifyAccessDeniedError, type AdminApiClient } from '../admin/admin-api-client';
import { BULK_OPERATION, RUN_BULK_QUERY } from '../admin/documents';

/** An import that cannot go on, said in the merchant's words; nothing of that resource was written. */
export class ShopifyImportError extends Error {
  constructor(
    message: string,
    readonly resource: ShopifyResource,
  ) {
    super(message);
    this.name = 'ShopifyImportError';
  }
}

export interface FinishedBulkOperation {
  id: string;
  /** When Shopify started the operation: the watermark the next incremental import starts from. */
  createdAt: Date;
  objectCount: number;
  /** The JSONL file; null when the query matched nothing. */
  url: string | null;
}

export interface BulkOperationOptions {
  /** First wait between polls; it grows to 5 s. */
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onStatus?: (status: string, objectCount: number) => void;
  /** Orders merged into the store at a time while their file streams (see BulkOrderLoad). */
  ordersPerMerge?: number;
}

interface BulkOperationData {
  id: string;
  status: string;
  errorCode: string | null;
  createdAt: string;
  objectCount: string | number;
  url: string | null;
}

const DONE = new Set(['COMPLETED', 'FAILED', 'EXPIRED', 'CANCELED']);

/**
 * Runs one bulk query to the end: starts it, polls `node(id:)` until Shopify is done, and returns the file's
 * address, or throws a ShopifyImportError that says what went wrong in words a merchant understands.
 */
export async function runBulkQuery(
  client: AdminApiClient,
  resource: ShopifyResource,
  query: string,
  grantedScopes: string[],
  options: BulkOperationOptions = {},
): Promise<FinishedBulkOperation> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const denied = () => new ShopifyImportError(missingScopeMessage(resource, missingScopes(resource, grantedScopes)), resource);
  let operation: BulkOperationData;
  for (let attempt = 1; ; attempt++) {
    let payload: { bulkOperation: BulkOperationData | null; userErrors: { message: string; code: string | null }[] };
    try {
      payload = (await client.query(RUN_BULK_QUERY, { query })).bulkOperationRunQuery;
    } catch (error) {
      if (error instanceof ShopifyAccessDeniedError) throw denied();
      throw error;
    }
    const busy = payload.userErrors.find((e) => e.code === 'OPERATION_IN_PROGRESS' || /in progress/i.test(e.message));
    if (busy && attempt < 30) {
      // Another bulk query of this app is still running for the shop (an earlier import): wait for it.
      await sleep(Math.min(10_000, 1000 * attempt));
      continue;
    }
    if (payload.userErrors.some((e) => /access denied|scope/i.test(e.message))) throw denied();
    if (payload.userErrors.length > 0 || !payload.bulkOperation) {
      const reasons = payload.userErrors.map((e) => e.message).join('; ') || 'no operation was created';
      throw new ShopifyImportError(`Shopify would not start the export of ${resource}: ${reasons}`, resource);
    }
    operation = payload.bulkOperation;
    break;
  }
  let wait = options.pollIntervalMs ?? 1000;
  while (!DONE.has(operation.status)) {
    await sleep(wait);
    wait = Math.min(5000, Math.ceil(wait * 1.5));
    const { node } = await client.query<{ node: BulkOperationData | null }>(BULK_OPERATION, { id: operation.id });
    if (!node) throw new ShopifyImportError(`Shopify lost track of the export of ${resource} (${operation.id}); run the import again`, resource);
    operation = node;
    options.onStatus?.(operation.status, Number(operation.objectCount ?? 0));
  }
  if (operation.status !== 'COMPLETED') {
    throw new ShopifyImportError(bulkFailureMessage(resource, operation.status, operation.errorCode, grantedScopes), resource);
  }
  return {
    id: operation.id,
    createdAt: new Date(operation.createdAt),
    objectCount: Number(operation.objectCount ?? 0),
    url: operation.url,
  };
}

/**
 * The operation's JSONL file as a byte stream (never read whole). A failed download start is retried a few
 * times; a download that breaks halfway fails the import, whose transaction then leaves nothing behind.
 */
export async function downloadBulkFile(url: string, sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))) {
  for (let attempt = 1; ; attempt++) {
    let response: Response | null = null;
    try {
      response = await fetch(url);
    } catch (error) {
      if (attempt >= 4) throw new Error(`Could not download Shopify's export file: ${(error as Error).message}`);
    }
    if (response?.ok && response.body) return wholeBody(response);
    if (response && response.status < 500 && response.status !== 429) {
      throw new Error(`Could not download Shopify's export file: HTTP ${response.status}`);
    }
    if (attempt >= 4) throw new Error(`Could not download Shopify's export file: HTTP ${response?.status}`);
    await response?.body?.cancel();
    await sleep(500 * 2 ** attempt);
  }
}

/**
 * The body's bytes, holding on to the response while they are read (undici cancels the body of a response
 * that is garbage-collected, and a cancelled body just ends), and failing when fewer bytes arrive than
 * Content-Length announced: a cut file must never pass for a short one.
 */
async function* wholeBody(response: Response): AsyncGenerator<Uint8Array> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  let received = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    received += chunk.byteLength;
    yield chunk;
  }
  if (Number.isFinite(announced) && received < announced) {
    throw new Error(`the file ended after ${received} of ${announced} bytes`);
  }
}
