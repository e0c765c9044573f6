/**
 * Compiles a segment query to a parameterised SQL boolean expression (for a WHERE clause). The SQL text is
 * assembled only from this file's fixed fragments, the caller's column expressions and `$n` placeholders:
 * every literal of the query travels as a parameter, so no character the user typed reaches the SQL text.
 *
 * Semantics (the evaluator, evaluate.ts, implements the same rules and the two must agree):
 *   - A comparison on an unknown (NULL) attribute is false: `amount_spent > 0` skips customers with no
 *     spend recorded; `vip_tier = 'gold'` skips customers without a tier.
 *   - `!=` is exactly the complement of `=` and so includes NULLs, the way a marketer reads "is not":
 *     `vip_tier != 'gold'` is everyone who is not gold, customers without a tier included. Compiled as
 *     IS DISTINCT FROM (plain SQL `<>` would silently drop the NULLs).
 *   - `NOT CONTAINS` is the complement of `CONTAINS`: customers with no tags / no country match.
 *   - `NOT q` is the complement of q. SQL NOT would keep NULL as NULL (and drop the row), so NOT compiles
 *     to `(q) IS NOT TRUE`; every other connective already treats NULL as false, as a WHERE clause does.
 *   - Sets stored as text[] (customer_tags, abandoned_checkout_categories): CONTAINS 'x' is
 *     `$n = ANY(col)`, exact (case-sensitive) match; IS NULL means no elements (NULL or empty array).
 *     customer_countries is the single country column: CONTAINS 'FR' is `col = $n`, IS NULL means no
 *     country. The attribute's `storage` says which.
 *   - Dates: see dates.ts. Bounds are passed as ISO 8601 UTC strings; the column should be timestamptz.
 *   - Scalar parameters carry no cast, so PostgreSQL gives each the type of the column it is compared
 *     with (numeric stays exact, a real column is compared as real).
 */
import type { SegmentQueryCondition, SegmentQueryNode, SegmentQueryValue } from './ast';
import { SEGMENT_ATTRIBUTES, type SegmentAttributeName, type SegmentQueryColumns } from './attributes';
import { dateBounds, type DateBound } from './dates';
import { SegmentQueryError } from './errors';
import { parseSegmentQuery, type SegmentQueryLimits } from './parser';

export interface CompileSegmentQueryOptions {
  /** The reference moment relative dates count back from. */
  readonly now: Date;
  /** Number of the first placeholder, e.g. 3 when $1 and $2 are already taken by the surrounding query. */
  readonly firstParameter: number;
  readonly columns: SegmentQueryColumns;
  readonly limits?: Partial<SegmentQueryLimits>;
}

export interface CompiledSegmentQuery {
  /** A parenthesised boolean expression; its placeholders run from firstParameter upwards without gaps. */
  readonly sql: string;
  readonly parameters: unknown[];
  /** The attributes the query uses, in order of first use, so the caller can join only what is needed. */
  readonly attributes: SegmentAttributeName[];
}

/**
 * Column expressions must be plain (optionally qualified) identifiers. They come from code, not from the
 * user, but checking them keeps the promise that the SQL is made of identifiers, keywords and placeholders.
 */
const COLUMN_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$/;

export function compileSegmentQuery(query: string, options: CompileSegmentQueryOptions): CompiledSegmentQuery {
  return compileSegmentQueryAst(parseSegmentQuery(query, options.limits), options, query);
}

/**
 * Compiles an already parsed query. `query`, when given, is the text the tree came from, so that an
 * "unavailable attribute" error can give the line and column.
 */
export function compileSegmentQueryAst(
  ast: SegmentQueryNode,
  options: CompileSegmentQueryOptions,
  query?: string,
): CompiledSegmentQuery {
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) {
    throw new TypeError('compileSegmentQuery: options.now must be a valid Date');
  }
  if (!Number.isSafeInteger(options.firstParameter) || options.firstParameter < 1) {
    const got = options.firstParameter;
    throw new TypeError(`compileSegmentQuery: options.firstParameter must be an integer ≥ 1, got ${got}`);
  }
  for (const [attribute, column] of Object.entries(options.columns)) {
    if (column !== undefined && !COLUMN_PATTERN.test(column)) {
      const got = JSON.stringify(column);
      throw new TypeError(`compileSegmentQuery: the column of ${attribute} must be an identifier such as m.monetary, got ${got}`);
    }
  }
  const compiler = new Compiler(options, query);
  const sql = compiler.node(ast);
  return { sql, parameters: compiler.parameters, attributes: [...compiler.attributes] };
}

class Compiler {
  readonly parameters: unknown[] = [];
  readonly attributes = new Set<SegmentAttributeName>();

  constructor(
    private readonly options: CompileSegmentQueryOptions,
    private readonly query: string | undefined,
  ) {}

  /** Recursion is bounded by the parser's depth limit (a tree built by hand should respect it too). */
  node(node: SegmentQueryNode): string {
    switch (node.kind) {
      case 'and':
        return `(${node.operands.map((operand) => this.node(operand)).join(' AND ')})`;
      case 'or':
        return `(${node.operands.map((operand) => this.node(operand)).join(' OR ')})`;
      case 'not':
        return `(${this.node(node.operand)} IS NOT TRUE)`;
      case 'condition':
        return this.condition(node);
    }
  }

  private parameter(value: unknown): string {
    this.parameters.push(value);
    return `$${this.options.firstParameter + this.parameters.length - 1}`;
  }

  private column(condition: SegmentQueryCondition): string {
    const column = this.options.columns[condition.attribute];
    if (column === undefined) {
      // The name as written (attribute names are case-insensitive, so it has the canonical name's length).
      const end = condition.position + condition.attribute.length;
      throw new SegmentQueryError(
        'unavailable',
        condition.position,
        this.query?.slice(condition.position, end) ?? condition.attribute,
        `attribute '${condition.attribute}' is not available in this segment query`,
        this.query,
      );
    }
    this.attributes.add(condition.attribute);
    return column;
  }

  private condition(condition: SegmentQueryCondition): string {
    const column = this.column(condition);
    const isDate = SEGMENT_ATTRIBUTES[condition.attribute].kind === 'date';
    const array = SEGMENT_ATTRIBUTES[condition.attribute].storage === 'array';
    const now = this.options.now;
    switch (condition.operator) {
      case 'IS NULL':
        // An empty array is "no elements", the same as NULL.
        return array ? `(coalesce(cardinality(${column}), 0) = 0)` : `(${column} IS NULL)`;
      case 'IS NOT NULL':
        return array ? `(cardinality(${column}) > 0)` : `(${column} IS NOT NULL)`;
      case 'CONTAINS':
      case 'NOT CONTAINS': {
        const value = this.parameter(scalar(condition.value));
        if (!array) {
          return condition.operator === 'CONTAINS' ? `(${column} = ${value})` : `(${column} IS DISTINCT FROM ${value})`;
        }
        // A NULL array (or one holding NULLs) makes ANY() NULL; IS NOT TRUE counts that as "does not contain".
        const contains = `(${value} = ANY(${column}))`;
        return condition.operator === 'CONTAINS' ? contains : `(${contains} IS NOT TRUE)`;
      }
      case 'BETWEEN':
        if (isDate) return this.dateBounds(column, dateBounds('BETWEEN', [condition.low, condition.high], now));
        const low = this.parameter(scalar(condition.low));
        return `(${column} BETWEEN ${low} AND ${this.parameter(scalar(condition.high))})`;
      case '!=':
        if (isDate) return `(${this.dateBounds(column, dateBounds('=', [condition.value], now))} IS NOT TRUE)`;
        return `(${column} IS DISTINCT FROM ${this.parameter(scalar(condition.value))})`;
      case '=':
      case '>':
      case '>=':
      case '<':
      case '<=':
        if (isDate) return this.dateBounds(column, dateBounds(condition.operator, [condition.value], now));
        return `(${column} ${condition.operator} ${this.parameter(scalar(condition.value))})`;
    }
  }

  private dateBounds(column: string, bounds: readonly DateBound[]): string {
    return `(${bounds.map((b) => `${column} ${b.op} ${this.parameter(b.at.toISOString())}`).join(' AND ')})`;
  }
}

/** The parameter of a number, enum or set literal (the parser puts nothing else where this is called). */
function scalar(value: SegmentQueryValue): number | string {
  if (value.kind === 'number' || value.kind === 'string') return value.value;
  throw new TypeError(`a ${value.kind} literal is not a scalar value`);
}
