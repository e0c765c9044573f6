/**
 * Custom segment queries: a filter language in the spirit of Shopify's segment editor, parsed into a typed
 * tree and compiled to a parameterised SQL condition. Pure: no I/O, no framework, no table names (the
 * caller maps attributes to columns). The grammar, with examples and the exact semantics, is GRAMMAR.md.
 *
 *   compileSegmentQuery(text, { now, firstParameter, columns })  → { sql, parameters, attributes }
 *   parseSegmentQuery(text)                                       → typed tree (SegmentQueryNode)
 *   formatSegmentQuery(tree)                                      → canonical text
 *   matchesSegmentQuery(tree, customer, now)                      → the reference answer for one customer
 *   storeAttributes({ customers, orders, checkouts, asOf })       → reference attribute values per customer
 *
 * Every failure caused by the query text is a SegmentQueryError with position, line, column and token.
 */
export type {
  BetweenCondition,
  ComparisonCondition,
  ComparisonOperator,
  NullCondition,
  NullOperator,
  SegmentQueryAnd,
  SegmentQueryCondition,
  SegmentQueryNode,
  SegmentQueryNot,
  SegmentQueryOperator,
  SegmentQueryOr,
  SegmentQueryValue,
  SetOperator,
} from './ast';
export {
  SEGMENT_ATTRIBUTES,
  SEGMENT_ATTRIBUTE_NAMES,
  SET_ATTRIBUTE_NAMES,
  SUBSCRIPTION_STATUSES,
  VIP_TIERS,
  isSegmentAttributeName,
  type AttributeDefinition,
  type AttributeKind,
  type SegmentAttributeName,
  type SegmentQueryColumns,
  type SegmentQueryCustomer,
} from './attributes';
export { compileSegmentQuery, compileSegmentQueryAst, type CompileSegmentQueryOptions, type CompiledSegmentQuery } from './compiler';
export { resolveRelativeDate } from './dates';
export { SegmentQueryError, type SegmentQueryErrorKind } from './errors';
export { matchesSegmentQuery } from './evaluate';
export { formatSegmentQuery } from './format';
export { DEFAULT_SEGMENT_QUERY_LIMITS, parseSegmentQuery, type SegmentQueryLimits } from './parser';
export { NEW_PRODUCT_WINDOW_DAYS, storeAttributes, type StoreAttributesInput } from './store-attributes';
