import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Klaviyo's published OpenAPI document (revision 2026-07-15), read once per process: the operation table
 * (path, method, operationId, rate limits, per-request item and size limits) and the request-body validators.
 * Everything the fake enforces comes from here rather than from constants typed in by hand.
 */
export const REVISION = '2026-07-15';
const SPEC_FILE = `klaviyo-openapi-${REVISION}.json.gz`;

export interface RateLimitSpec {
  burst: number; // per second
  steady: number; // per minute
  daily?: number; // per day, for a few creation endpoints (lists: 150/d)
}

export interface Operation {
  id: string; // Klaviyo's operationId, e.g. create_list
  method: string;
  template: string; // /api/lists/{id}
  pattern: RegExp;
  paramNames: string[];
  rateLimit: RateLimitSpec;
  bodySchema?: string; // components/schemas name
  maxItems?: number; // "accepts up to 10,000 profiles", "maximum of 1000 profiles per call"
  maxBytes?: number; // "maximum allowed payload size is 5MB"
  parameters: Record<string, { schema?: Record<string, unknown>; description?: string }>;
}

export interface BodyError {
  pointer: string;
  detail: string;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, unknown> };
}

let loaded: KlaviyoContract | undefined;

/** The contract is immutable and costly to build (3 MB of JSON, ajv compilation): one per process. */
export function klaviyoContract(): KlaviyoContract {
  loaded ??= new KlaviyoContract(readSpec());
  return loaded;
}

export class KlaviyoContract {
  readonly operations: Operation[];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.operations = operationsOf(document);
    this.ajv = new Ajv({ strict: false, allErrors: false, logger: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: { schemas: toJsonSchema(document.components.schemas) } }, 'klaviyo');
  }

  /** The operation a request names, or undefined (an unknown path or method). */
  route(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined {
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    for (const operation of this.operations) {
      if (operation.method !== method) continue;
      const match = operation.pattern.exec(trimmed);
      if (!match) continue;
      const params: Record<string, string> = {};
      operation.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1])));
      return { operation, params };
    }
    return undefined;
  }

  /** Validates a parsed body against the operation's request schema; [] when it conforms. */
  validateBody(operation: Operation, body: unknown): BodyError[] {
    if (!operation.bodySchema) return [];
    let validate = this.validators.get(operation.bodySchema);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `klaviyo#/components/schemas/${operation.bodySchema}` });
      this.validators.set(operation.bodySchema, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(describe);
  }
}

function describe(error: ErrorObject): BodyError {
  if (error.keyword === 'additionalProperties') {
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    return { pointer: `${error.instancePath}/${field}`, detail: `'${field}' is not a valid field for this resource.` };
  }
  if (error.keyword === 'required') {
    const field = String((error.params as { missingProperty: string }).missingProperty);
    return { pointer: `${error.instancePath}/${field}`, detail: `'${field}' is a required field.` };
  }
  return { pointer: error.instancePath || '/', detail: `${error.instancePath || 'body'} ${error.message ?? 'is invalid'}` };
}

function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as {
        operationId?: string;
        description?: string;
        'x-klaviyo-ratelimit'?: Record<string, string>;
        requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
        parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown>; description?: string }>;
      };
      if (!op.operationId) continue;
      const paramNames: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_all, name: string) => {
        paramNames.push(name);
        return '([^/]+)';
      });
      const schemaRef = Object.values(op.requestBody?.content ?? {})[0]?.schema?.$ref;
      const description = op.description ?? '';
      const parameters: Operation['parameters'] = {};
      for (const parameter of op.parameters ?? []) {
        if (parameter.in === 'query') parameters[parameter.name] = { schema: parameter.schema, description: parameter.description };
      }
      operations.push({
        id: op.operationId,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        paramNames,
        rateLimit: rateLimitOf(op['x-klaviyo-ratelimit'] ?? {}, description),
        bodySchema: schemaRef?.split('/').pop(),
        maxItems: maxItemsOf(description),
        maxBytes: maxBytesOf(description),
        parameters,
      });
    }
  }
  // Literal paths before templated ones, so /api/profile-import is never read as /api/profiles/{id}-like.
  return operations.sort((a, b) => a.paramNames.length - b.paramNames.length);
}

function rateLimitOf(declared: Record<string, string>, description: string): RateLimitSpec {
  const perUnit = (text: string | undefined) => (text ? Number(text.split('/')[0]) : undefined);
  const fromText = (unit: string) => perUnit(new RegExp(`${unit}: \`(\\d+/\\w)\``).exec(description)?.[1]);
  const burst = perUnit(declared.burst) ?? fromText('Burst');
  const steady = perUnit(declared.steady) ?? fromText('Steady');
  const daily = perUnit(declared.daily) ?? fromText('Daily');
  // Klaviyo's default tier ("M") for anything the document leaves unstated.
  return { burst: burst ?? 10, steady: steady ?? 150, ...(daily ? { daily } : {}) };
}

function maxItemsOf(description: string): number | undefined {
  const match = /(?:up to|maximum of) ([\d,]+) (?:profiles|events|items|records)/i.exec(description);
  return match ? Number(match[1].replace(/,/g, '')) : undefined;
}

function maxBytesOf(description: string): number | undefined {
  // "5MB" read as 5,000,000 bytes, the stricter reading: a client that fits it fits either.
  const match = /maximum allowed payload size is (\d+) ?MB/i.exec(description);
  return match ? Number(match[1]) * 1_000_000 : undefined;
}

/**
 * OpenAPI 3.0 schema objects → JSON Schema for ajv: `nullable` becomes a null type (or a null alternative
 * beside a $ref or an enum), and objects that list their properties are closed, because Klaviyo answers
 * 400 "'x' is not a valid field" to an attribute it does not know. Objects inside allOf stay open (closing
 * them would reject the other branches' fields); free-form objects (no `properties`) stay open.
 */
function toJsonSchema(node: unknown, inAllOf = false): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item));
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'example' || key === 'description' || key === 'nullable') continue;
    if (key === 'allOf' && Array.isArray(value)) out.allOf = value.map((item) => toJsonSchema(item, true));
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema)]));
    } else out[key] = toJsonSchema(value);
  }
  if (out.properties && !inAllOf && !out.allOf && out.additionalProperties === undefined) out.additionalProperties = false;
  if (source.nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function readSpec(): OpenApiDocument {
  const path = locateSpec();
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as OpenApiDocument;
}

/** The spec lives in the shared folder beside the project; walk up from here (works from test/ and dist/). */
function locateSpec(): string {
  const override = process.env.KLAVIYO_OPENAPI_PATH;
  if (override) return override;
  let dir = __dirname;
  for (;;) {
    for (const candidate of [join(dir, 'shared', 'specs', SPEC_FILE), join(dir, 'specs', SPEC_FILE)]) {
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Klaviyo OpenAPI document ${SPEC_FILE} not found above ${__dirname} (set KLAVIYO_OPENAPI_PATH)`);
    dir = parent;
  }
}
