/**
 * The Admin API 2026-10 schema (the contract), loaded once per process, and validation that answers the way
 * Shopify does: graphql-js finds the errors, each gets the graphql-ruby style `path` (from the operation down
 * to the offending node) and `extensions.code` (undefinedField, argumentLiteralsIncompatible, ...).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  type ASTNode, buildClientSchema, type ConstValueNode, type DocumentNode, GraphQLError, type GraphQLScalarType,
  type GraphQLSchema, Kind, parse, specifiedRules, validate, visit,
} from 'graphql';

export const ADMIN_API_VERSION = '2026-10';
const SCHEMA_NAME = 'shopify-admin-2026-10.introspection.json.gz';

/** The specs folder sits beside the project: four levels up from here, five from the compiled dist/ copy. */
function schemaFile(): string {
  const candidates = [process.env.SHOPIFY_ADMIN_SCHEMA, join(__dirname, '../../../../shared/specs', SCHEMA_NAME), join(__dirname, '../../../../../shared/specs', SCHEMA_NAME)];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error(`fake Shopify: the Admin schema ${SCHEMA_NAME} is not in ${candidates.filter(Boolean).join(' nor ')}`);
  return found;
}

let cached: GraphQLSchema | null = null;

/** The Admin API schema; built on first use (about half a second), then shared by every fake in the process. */
export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(schemaFile())).toString('utf8')) as { data: never };
    // assumeValid: Shopify's own schema breaks a graphql-js schema rule (deprecated fields implementing
    // non-deprecated interface fields); documents are still validated in full against it.
    cached = buildClientSchema(json.data, { assumeValid: true });
    checkScalarFormats(cached);
  }
  return cached;
}

/**
 * An introspection result says nothing of how custom scalars parse, so graphql-js would take anything for a
 * DateTime. Shopify refuses malformed values: so does the fake, for the scalars a connector sends.
 */
const SCALAR_FORMATS: Record<string, (value: unknown) => boolean> = {
  DateTime: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(v) && !Number.isNaN(Date.parse(v)),
  Date: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v) && !Number.isNaN(Date.parse(v)),
  URL: (v) => typeof v === 'string' && URL.canParse(v),
  UnsignedInt64: (v) => (typeof v === 'string' && /^\d+$/.test(v)) || (Number.isSafeInteger(v) && (v as number) >= 0),
  Decimal: (v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) || (typeof v === 'number' && Number.isFinite(v)),
  Money: (v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) || (typeof v === 'number' && Number.isFinite(v)),
};

function checkScalarFormats(schema: GraphQLSchema): void {
  for (const [name, valid] of Object.entries(SCALAR_FORMATS)) {
    const scalar = schema.getType(name) as GraphQLScalarType | undefined;
    if (!scalar) continue;
    scalar.coerceInputValue = (value: unknown) => {
      if (!valid(value)) throw new GraphQLError(`${JSON.stringify(value)} is not a valid ${name}`);
      return value;
    };
    scalar.coerceInputLiteral = (node: ConstValueNode) => {
      const value = node.kind === Kind.STRING ? node.value : node.kind === Kind.INT || node.kind === Kind.FLOAT ? Number(node.value) : undefined;
      return value !== undefined && valid(value) ? value : undefined;
    };
  }
}

/** One error as Shopify's GraphQL endpoint writes it. */
export interface ShopifyGraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** graphql-js rule → the code graphql-ruby (Shopify's server) gives the same mistake. */
const RULE_CODES: Record<string, string> = {
  FieldsOnCorrectTypeRule: 'undefinedField',
  KnownArgumentNamesRule: 'argumentNotAccepted',
  ValuesOfCorrectTypeRule: 'argumentLiteralsIncompatible',
  ProvidedRequiredArgumentsRule: 'missingRequiredArguments',
  KnownTypeNamesRule: 'undefinedType',
  NoUndefinedVariablesRule: 'variableNotDefined',
  NoUnusedVariablesRule: 'variableNotUsed',
  VariablesInAllowedPositionRule: 'variableMismatch',
  VariablesAreInputTypesRule: 'variableRequiresValidType',
  ScalarLeafsRule: 'selectionMismatch',
  KnownDirectivesRule: 'undefinedDirective',
  UniqueArgumentNamesRule: 'argumentNotUnique',
  OverlappingFieldsCanBeMergedRule: 'fieldConflict',
  PossibleFragmentSpreadsRule: 'cannotSpreadFragment',
  KnownFragmentNamesRule: 'undefinedFragment',
  NoUnusedFragmentsRule: 'useAndDefineFragment',
  UniqueOperationNamesRule: 'operationNotUnique',
  LoneAnonymousOperationRule: 'anonymousOperationNotAlone',
  NoFragmentCyclesRule: 'infiniteLoop',
};

export type ParsedDocument = { document: DocumentNode; errors: [] } | { document: null; errors: ShopifyGraphqlError[] };

/** Parses and validates a document against the Admin schema. */
export function parseAndValidate(source: string): ParsedDocument {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    const e = error as GraphQLError;
    return {
      document: null,
      errors: [{ message: e.message, locations: locationsOf(e), extensions: { code: 'parseError' } }],
    };
  }
  const schema = adminSchema();
  const found = validate(schema, document);
  if (found.length === 0) return { document, errors: [] };
  return { document: null, errors: describe(schema, document, found) };
}

function describe(schema: GraphQLSchema, document: DocumentNode, found: readonly GraphQLError[]): ShopifyGraphqlError[] {
  // Which rule produced which message: run the rules one at a time (only on the rare invalid document).
  const codeByMessage = new Map<string, string>();
  for (const rule of specifiedRules) {
    const code = RULE_CODES[rule.name] ?? 'validationError';
    for (const e of validate(schema, document, [rule])) if (!codeByMessage.has(e.message)) codeByMessage.set(e.message, code);
  }
  const paths = pathsOf(document);
  return found.map((e) => {
    const node = e.nodes?.[0];
    return {
      message: e.message,
      locations: locationsOf(e),
      ...(node && paths.has(node) ? { path: paths.get(node) } : {}),
      extensions: { code: codeByMessage.get(e.message) ?? 'validationError' },
    };
  });
}

function locationsOf(e: GraphQLError): { line: number; column: number }[] | undefined {
  return e.locations?.map(({ line, column }) => ({ line, column }));
}

/** graphql-ruby's error path of every node: "query Name" / "mutation", then response keys and argument names. */
function pathsOf(document: DocumentNode): Map<ASTNode, string[]> {
  const paths = new Map<ASTNode, string[]>();
  const stack: string[] = [];
  const pushed: boolean[] = [];
  visit(document, {
    enter(node) {
      let step: string | null = null;
      if (node.kind === Kind.OPERATION_DEFINITION) step = node.name ? `${node.operation} ${node.name.value}` : node.operation;
      else if (node.kind === Kind.FRAGMENT_DEFINITION) step = `fragment ${node.name.value}`;
      else if (node.kind === Kind.FIELD) step = node.alias?.value ?? node.name.value;
      else if (node.kind === Kind.ARGUMENT) step = node.name.value;
      else if (node.kind === Kind.INLINE_FRAGMENT) step = `... on ${node.typeCondition?.name.value ?? ''}`.trim();
      else if (node.kind === Kind.FRAGMENT_SPREAD) step = `... ${node.name.value}`;
      if (step !== null) stack.push(step);
      pushed.push(step !== null);
      paths.set(node, [...stack]);
    },
    leave() {
      if (pushed.pop()) stack.pop();
    },
  });
  return paths;
}
