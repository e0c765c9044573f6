/**
 * POST /admin/api/2026-10/graphql.json, from the parsed body to the response Shopify would give: the
 * document validated against the Admin schema (a rejected one is recorded), variables coerced to their
 * declared types, the cost charged to the leaky bucket (THROTTLED when it cannot pay, MAX_COST_EXCEEDED
 * above the single-query limit), then executed over the state with `extensions.cost` on every answer.
 */
import {
  execute, type FragmentDefinitionNode, getVariableValues, type GraphQLError, Kind, type OperationDefinitionNode,
} from 'graphql';
import { fieldResolverFor, type FakeContext, type ResolverTable, typeNameOf } from './context';
import { CostBucket, queryCost } from './query-cost';
import { adminSchema, parseAndValidate, type ShopifyGraphqlError } from './schema';

export interface RejectedDocument {
  query: string;
  variables: unknown;
  errors: ShopifyGraphqlError[];
}

export interface GraphqlAnswer {
  status: number;
  body: unknown;
  operationName: string;
}

export interface GraphqlRecords {
  rejectedDocuments: RejectedDocument[];
  /** Errors raised while executing valid documents (ACCESS_DENIED, FAKE_UNSUPPORTED, bad cursors, ...). */
  executionErrors: ShopifyGraphqlError[];
  throttledCount: number;
}

const THROTTLE_DOCUMENTATION = 'https://shopify.dev/api/usage/rate-limits';

export class GraphqlEndpoint {
  private readonly fieldResolver;

  constructor(
    resolvers: ResolverTable,
    private readonly bucket: CostBucket,
    private readonly maxQueryCost: number,
    private readonly records: GraphqlRecords,
  ) {
    this.fieldResolver = fieldResolverFor(resolvers);
  }

  async answer(body: unknown, context: FakeContext): Promise<GraphqlAnswer> {
    const request = body as { query?: unknown; variables?: unknown; operationName?: unknown } | null;
    if (!request || typeof request.query !== 'string') {
      return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } }, operationName: '(none)' };
    }
    const query = request.query;
    const variables = (request.variables ?? {}) as Record<string, unknown>;
    const requestedName = typeof request.operationName === 'string' ? request.operationName : null;
    const reject = (errors: ShopifyGraphqlError[], name: string): GraphqlAnswer => {
      this.records.rejectedDocuments.push({ query, variables, errors });
      return { status: 200, body: { errors }, operationName: name };
    };

    const parsed = parseAndValidate(query);
    if (!parsed.document) return reject(parsed.errors, requestedName ?? '(invalid)');
    const operations = parsed.document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = requestedName ? operations.find((o) => o.name?.value === requestedName) : operations.length === 1 ? operations[0] : undefined;
    const operationName = operation?.name?.value ?? requestedName ?? '(anonymous)';
    if (!operation) {
      const message = requestedName ? `No operation named "${requestedName}"` : 'An operation name is required';
      return reject([{ message, extensions: { code: 'operationNotFound' } }], operationName);
    }
    const schema = adminSchema();
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) {
      return reject(coerced.errors.map((e) => formatError(e, 'INVALID_VARIABLE')), operationName);
    }
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of parsed.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const requested = queryCost(schema, operation, fragments, coerced.variableValues.coerced as Record<string, unknown>);
    if (requested > this.maxQueryCost) {
      return reject([{
        message: `Query cost is ${requested}, which exceeds the single query max cost limit (${this.maxQueryCost}).`,
        extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: this.maxQueryCost, documentation: THROTTLE_DOCUMENTATION },
      }], operationName);
    }
    if (!this.bucket.take(requested)) {
      this.records.throttledCount += 1;
      return {
        status: 200,
        body: {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: THROTTLE_DOCUMENTATION } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: this.bucket.status() } },
        },
        operationName,
      };
    }
    const result = await execute({
      schema,
      document: parsed.document,
      operationName: operation.name?.value,
      variableValues: variables,
      contextValue: context,
      fieldResolver: this.fieldResolver,
      typeResolver: (value) => typeNameOf(value),
    });
    const actual = operation.operation === 'mutation'
      ? requested
      : queryCost(schema, operation, fragments, coerced.variableValues.coerced as Record<string, unknown>, result.data ?? null);
    this.bucket.refund(requested - actual);
    const errors = result.errors?.map((e) => formatError(e));
    if (errors) this.records.executionErrors.push(...errors);
    return {
      status: 200,
      body: {
        ...(errors ? { errors } : {}),
        data: result.data ?? null,
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: this.bucket.status() } },
      },
      operationName,
    };
  }
}

function formatError(e: GraphQLError, code?: string): ShopifyGraphqlError {
  const json = e.toJSON() as ShopifyGraphqlError;
  return { ...json, extensions: { ...(json.extensions ?? {}), ...(code && !json.extensions?.code ? { code } : {}) } };
}
