/**
 * The reference evaluator: does one customer match a parsed query? It is the executable specification of
 * the compiled SQL (compiler.ts) — for any query and any customer, `matchesSegmentQuery` must be true
 * exactly when the compiled WHERE fragment selects that customer's row. Tests use it as the spec; a
 * database test runs both and compares.
 *
 * It is written in plain two-valued logic on purpose: an unknown (null/absent) attribute makes every
 * comparison false, `!=` / NOT CONTAINS / NOT are plain complements. The SQL reaches the same answers
 * with IS DISTINCT FROM and IS NOT TRUE (see the compiler's header).
 *
 * Numbers compare as JavaScript doubles; the SQL compares numeric. They agree because literals have at
 * most 15 significant digits (lexer.ts) and money values at most 2 decimals.
 */
import type { SegmentQueryCondition, SegmentQueryNode, SegmentQueryValue } from './ast';
import { SEGMENT_ATTRIBUTES, type SegmentQueryCustomer } from './attributes';
import { dateBounds, satisfies } from './dates';

export function matchesSegmentQuery(ast: SegmentQueryNode, customer: SegmentQueryCustomer, now: Date): boolean {
  switch (ast.kind) {
    case 'and':
      return ast.operands.every((operand) => matchesSegmentQuery(operand, customer, now));
    case 'or':
      return ast.operands.some((operand) => matchesSegmentQuery(operand, customer, now));
    case 'not':
      return !matchesSegmentQuery(ast.operand, customer, now);
    case 'condition':
      return matchesCondition(ast, customer, now);
  }
}

function matchesCondition(condition: SegmentQueryCondition, customer: SegmentQueryCustomer, now: Date): boolean {
  const raw = customer[condition.attribute] ?? null;
  const kind = SEGMENT_ATTRIBUTES[condition.attribute].kind;
  // A set that is absent, null or empty is "no elements"; a scalar that is absent or null is unknown.
  const elements = kind === 'set' ? ((raw as readonly string[] | null) ?? []) : [];
  switch (condition.operator) {
    case 'IS NULL':
      return kind === 'set' ? elements.length === 0 : raw === null;
    case 'IS NOT NULL':
      return kind === 'set' ? elements.length > 0 : raw !== null;
    case 'CONTAINS':
      return elements.includes(literal(condition.value) as string);
    case 'NOT CONTAINS':
      return !elements.includes(literal(condition.value) as string);
    case '!=':
      // The complement of '=', unknown values included.
      return !matchesCondition({ ...condition, operator: '=' }, customer, now);
  }
  if (raw === null) return false;
  if (kind === 'date') {
    const values = condition.operator === 'BETWEEN' ? [condition.low, condition.high] : [condition.value];
    return dateBounds(condition.operator, values, now).every((b) => satisfies(raw as Date, b));
  }
  const value = raw as number | string;
  switch (condition.operator) {
    case 'BETWEEN':
      return literal(condition.low) <= value && value <= literal(condition.high);
    case '=':
      return value === literal(condition.value);
    case '>':
      return value > literal(condition.value);
    case '>=':
      return value >= literal(condition.value);
    case '<':
      return value < literal(condition.value);
    case '<=':
      return value <= literal(condition.value);
  }
}

function literal(value: SegmentQueryValue): number | string {
  if (value.kind === 'number' || value.kind === 'string') return value.value;
  throw new TypeError(`a ${value.kind} literal is not a scalar value`);
}
