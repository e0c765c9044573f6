/**
 * The typed syntax tree of a segment query. The parser only builds conditions whose operator and value
 * suit the attribute (see parser.ts), so the compiler, the evaluator and the formatter can trust it:
 * an enum value is one of the attribute's keys, a set element is normalised (country codes upper-case),
 * a date is a real calendar day. Positions are 0-based offsets in the query, for later diagnostics.
 */
import type { SegmentAttributeName } from './attributes';
import type { RelativeDateUnit } from './lexer';

export type SegmentQueryNode = SegmentQueryAnd | SegmentQueryOr | SegmentQueryNot | SegmentQueryCondition;

/** a AND b AND c: operands read in one run are kept flat; explicit parentheses nest (see format.ts). */
export interface SegmentQueryAnd {
  readonly kind: 'and';
  readonly operands: readonly SegmentQueryNode[];
  readonly position: number;
}

export interface SegmentQueryOr {
  readonly kind: 'or';
  readonly operands: readonly SegmentQueryNode[];
  readonly position: number;
}

export interface SegmentQueryNot {
  readonly kind: 'not';
  readonly operand: SegmentQueryNode;
  readonly position: number;
}

export type SegmentQueryValue =
  /** Amount, whole number or probability; -0 is normalised to 0. */
  | { readonly kind: 'number'; readonly value: number }
  /** Enum key (lower-case) or set element (country upper-case, tag as written). */
  | { readonly kind: 'string'; readonly value: string }
  /** A calendar day YYYY-MM-DD, meaning that whole day in UTC. */
  | { readonly kind: 'date'; readonly value: string }
  /** `amount` units before the reference moment (`-30d` is { amount: 30, unit: 'd' }). */
  | { readonly kind: 'relative_date'; readonly amount: number; readonly unit: RelativeDateUnit };

export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type SetOperator = 'CONTAINS' | 'NOT CONTAINS';
export type NullOperator = 'IS NULL' | 'IS NOT NULL';
export type SegmentQueryOperator = ComparisonOperator | SetOperator | NullOperator | 'BETWEEN';

interface ConditionBase {
  readonly kind: 'condition';
  readonly attribute: SegmentAttributeName;
  readonly position: number;
}

export interface ComparisonCondition extends ConditionBase {
  readonly operator: ComparisonOperator | SetOperator;
  readonly value: SegmentQueryValue;
}

/** Inclusive at both ends, like SQL BETWEEN (for absolute dates: from the first day to the end of the last). */
export interface BetweenCondition extends ConditionBase {
  readonly operator: 'BETWEEN';
  readonly low: SegmentQueryValue;
  readonly high: SegmentQueryValue;
}

export interface NullCondition extends ConditionBase {
  readonly operator: NullOperator;
}

export type SegmentQueryCondition = ComparisonCondition | BetweenCondition | NullCondition;
