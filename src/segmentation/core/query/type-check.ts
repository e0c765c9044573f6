/**
 * Type checking of one condition: does the operator apply to the attribute's kind, and is the literal a
 * value of that kind? Errors point at the operator or the literal and say what would have been accepted,
 * so `customer_tags > 3`, `rfm_group = 'vip'` and `last_order_date > 'abc'` are refused before any SQL.
 */
import type { SegmentQueryOperator, SegmentQueryValue } from './ast';
import { SET_ATTRIBUTE_NAMES, isSegmentAttributeName, type AttributeDefinition, type AttributeKind } from './attributes';
import { SegmentQueryError, didYouMean, showToken } from './errors';
import type { RelativeDateUnit, Token } from './lexer';

const OPERATORS_BY_KIND: Readonly<Record<AttributeKind, readonly SegmentQueryOperator[]>> = {
  money: ['=', '!=', '>', '>=', '<', '<=', 'BETWEEN', 'IS NULL', 'IS NOT NULL'],
  integer: ['=', '!=', '>', '>=', '<', '<=', 'BETWEEN', 'IS NULL', 'IS NOT NULL'],
  number: ['=', '!=', '>', '>=', '<', '<=', 'BETWEEN', 'IS NULL', 'IS NOT NULL'],
  date: ['=', '!=', '>', '>=', '<', '<=', 'BETWEEN', 'IS NULL', 'IS NOT NULL'],
  enum: ['=', '!=', 'IS NULL', 'IS NOT NULL'],
  set: ['CONTAINS', 'NOT CONTAINS', 'IS NULL', 'IS NOT NULL'],
};

export function operatorsOf(kind: AttributeKind): readonly SegmentQueryOperator[] {
  return OPERATORS_BY_KIND[kind];
}

/** Refuses an operator the attribute's kind does not support, pointing at the operator. */
export function checkOperator(
  attribute: AttributeDefinition,
  operator: SegmentQueryOperator,
  token: Token,
  query: string,
): void {
  const allowed = OPERATORS_BY_KIND[attribute.kind];
  if (allowed.includes(operator)) return;
  const use = `use ${listWithOr(allowed)}`;
  const detail =
    operator === 'CONTAINS' || operator === 'NOT CONTAINS'
      ? `${operator} applies only to ${listWithAnd(SET_ATTRIBUTE_NAMES)}; ` +
        `${attribute.name} is ${attribute.description}: ${use}`
      : `operator '${operator}' does not apply to ${attribute.name}, ${attribute.description}: ${use}`;
  throw new SegmentQueryError('type', token.position, token.text, detail, query);
}

function listWithOr(items: readonly string[]): string {
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function listWithAnd(items: readonly string[]): string {
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What a literal for this attribute looks like, for "expected ..." messages. */
export function expectedValue(attribute: AttributeDefinition): string {
  switch (attribute.kind) {
    case 'money':
      return 'an amount such as 100 or 19.99';
    case 'integer':
      return attribute.name === 'rfm_score' ? 'an RFM score from 111 to 555' : 'a whole number such as 3';
    case 'number':
      return `a number from ${attribute.min} to ${attribute.max} such as 0.5`;
    case 'date':
      return 'a date such as 2025-01-31 or a relative date such as -30d';
    case 'enum':
      return `one of ${(attribute.values ?? []).map((v) => `'${v}'`).join(', ')}`;
    case 'set':
      return attribute.elementExample ?? 'a string in quotes';
  }
}

/** How a token reads in "but found ..." messages. */
export function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of query';
    case 'string':
      return `string ${showToken(token.value)}`;
    case 'number':
      return `number ${token.text}`;
    case 'date':
      return `date ${token.text}`;
    case 'relative_date':
      return `relative date ${token.text}`;
    default:
      return showToken(token.text);
  }
}

/**
 * The literal `token`, given after `operatorText`, as a value of the attribute. Tokens that cannot be a
 * value at all (end, parenthesis, keyword) get "expected a value after ..."; a value of the wrong kind
 * gets "expected <what this attribute takes> for <attribute> but found ...".
 */
export function typedValue(
  attribute: AttributeDefinition,
  operatorText: string,
  operator: SegmentQueryOperator,
  token: Token,
  query: string,
): SegmentQueryValue {
  const fail = (kind: 'syntax' | 'type', detail: string): never => {
    throw new SegmentQueryError(kind, token.position, token.text, detail, query);
  };
  if (token.type !== 'number' && token.type !== 'string' && token.type !== 'date' && token.type !== 'relative_date') {
    return fail('syntax', notAValue(attribute, operatorText, token));
  }
  const wrongKind = (): never =>
    fail('type', `expected ${expectedValue(attribute)} for ${attribute.name} but found ${describeToken(token)}`);
  switch (attribute.kind) {
    case 'money':
    case 'integer':
    case 'number':
      if (token.type !== 'number') return wrongKind();
      return { kind: 'number', value: checkedNumber(attribute, operator, token.text, (detail) => fail('type', detail)) };
    case 'date':
      if (token.type === 'date') return { kind: 'date', value: token.text };
      if (token.type === 'relative_date') {
        const unit = token.value.slice(-1) as RelativeDateUnit;
        return { kind: 'relative_date', amount: Number(token.value.slice(1, -1)), unit };
      }
      if (token.type === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(token.value)) {
        const expected = `expected ${expectedValue(attribute)} for ${attribute.name}`;
        return fail('type', `${expected} but found a string: write the date without quotes, ${token.value}`);
      }
      return wrongKind();
    case 'enum': {
      if (token.type !== 'string') return wrongKind();
      const values = attribute.values ?? [];
      // Keys are matched case-insensitively ('Gold' is 'gold') and stored in their canonical lower case.
      const key = values.find((v) => v === token.value.toLowerCase());
      if (key !== undefined) return { kind: 'string', value: key };
      const hint = didYouMean(token.value, values);
      return fail('type', `unknown ${attribute.name} ${showToken(token.value)}: expected ${expectedValue(attribute)}${hint}`);
    }
    case 'set': {
      if (token.type !== 'string') return wrongKind();
      const element = attribute.element!(token.value);
      if ('value' in element) return { kind: 'string', value: element.value };
      return fail('type', `invalid ${attribute.name} element ${showToken(token.value)}: ${element.problem}`);
    }
  }
}

/** Why a token that is no literal at all (word, parenthesis, operator, end) cannot stand as the value. */
function notAValue(attribute: AttributeDefinition, operatorText: string, token: Token): string {
  const after = `expected a value after '${operatorText}' but found`;
  if (token.type !== 'word') return `${after} ${describeToken(token)}`;
  if (token.value === 'NULL') {
    return `NULL is not a value to compare with: write ${attribute.name} IS NULL or ${attribute.name} IS NOT NULL`;
  }
  const lower = token.text.toLowerCase();
  if (isSegmentAttributeName(lower)) return `${after} attribute '${lower}' (comparing two attributes is not supported)`;
  const quoted = attribute.kind === 'enum' || attribute.kind === 'set';
  return `${after} ${describeToken(token)}${quoted ? ` (strings are written in single quotes: '${token.text}')` : ''}`;
}

/** A number literal checked against the attribute: whole, cents, range, and RFM digits for equality. */
function checkedNumber(
  attribute: AttributeDefinition,
  operator: SegmentQueryOperator,
  text: string,
  fail: (detail: string) => never,
): number {
  // + 0 turns -0 into 0, so that -0 and 0 are the same value everywhere (formatter, parameters).
  const value = Number(text) + 0;
  const decimals = text.split('.')[1]?.length ?? 0;
  const name = attribute.name;
  if (attribute.kind === 'integer' && decimals > 0) fail(`${name} is a whole number, not ${text}`);
  if (attribute.kind === 'money' && decimals > 2) fail(`${name} is an amount with at most 2 decimals (cents), not ${text}`);
  if (value < (attribute.min ?? -Infinity) || value > (attribute.max ?? Infinity)) {
    fail(`${name} is between ${attribute.min} and ${attribute.max}; ${text} is out of range`);
  }
  if (name === 'rfm_score' && (operator === '=' || operator === '!=') && !/^[1-5]{3}$/.test(text)) {
    fail(`there is no RFM score ${text}: each of its three digits (R, F, M) is from 1 to 5`);
  }
  return value;
}

/** Refuses BETWEEN bounds that can be seen to be reversed without knowing the reference moment. */
export function checkBetween(low: SegmentQueryValue, high: SegmentQueryValue, lowToken: Token, query: string): void {
  const reversed =
    (low.kind === 'number' && high.kind === 'number' && low.value > high.value) ||
    (low.kind === 'date' && high.kind === 'date' && low.value > high.value);
  if (reversed) {
    const lowText = low.kind === 'number' || low.kind === 'date' ? String(low.value) : '';
    const highText = high.kind === 'number' || high.kind === 'date' ? String(high.value) : '';
    const comparison = low.kind === 'date' ? 'is after' : 'is greater than';
    throw new SegmentQueryError(
      'type',
      lowToken.position,
      lowToken.text,
      `BETWEEN bounds are reversed: ${lowText} ${comparison} ${highText}; write the smaller bound first`,
      query,
    );
  }
}
