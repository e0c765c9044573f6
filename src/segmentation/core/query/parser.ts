/**
 * Parser of the segment query language: recursive descent over the tokens, one function per grammar rule
 * (GRAMMAR.md has the full grammar and examples):
 *
 *   query      := or END
 *   or         := and ( OR and )*
 *   and        := unary ( AND unary )*
 *   unary      := NOT unary | primary
 *   primary    := '(' or ')' | condition
 *   condition  := attribute ( ('=' | '!=' | '>' | '>=' | '<' | '<=') value
 *                           | BETWEEN value AND value
 *                           | [NOT] CONTAINS value
 *                           | IS [NOT] NULL )
 *   value      := number | 'string' | YYYY-MM-DD | -N(d|w|m|y)
 *
 * Examples:
 *   amount_spent > 500 AND number_of_orders >= 3 AND customer_countries CONTAINS 'FR'
 *   last_order_date < -90d OR (rfm_group = 'loyal_at_risk' AND NOT customer_tags CONTAINS 'vip')
 *   first_order_date BETWEEN 2025-01-01 AND 2025-03-31 AND vip_tier IS NULL
 *
 * Precedence NOT > AND > OR; keywords and attribute names are case-insensitive. The parser type-checks
 * every condition as it reads it (type-check.ts), so its output is a typed tree.
 *
 * Limits keep hostile input cheap: the length is checked before lexing, and nesting (each '(' and each NOT
 * is one level) and the number of conditions are counted while parsing, so recursion never goes deeper
 * than maxDepth levels (a few stack frames each) and 100 000 parentheses fail at the 51st.
 */
import type { SegmentQueryCondition, SegmentQueryNode, SegmentQueryOperator, SegmentQueryValue } from './ast';
import { SEGMENT_ATTRIBUTES, SEGMENT_ATTRIBUTE_NAMES, isSegmentAttributeName } from './attributes';
import { SegmentQueryError, closest, showToken } from './errors';
import { KEYWORDS, tokenize, type Token } from './lexer';
import { checkBetween, checkOperator, describeToken, typedValue } from './type-check';

export interface SegmentQueryLimits {
  /** Characters (UTF-16 code units). */
  readonly maxLength: number;
  /** Levels of parentheses and NOT, counted together. */
  readonly maxDepth: number;
  readonly maxConditions: number;
}

export const DEFAULT_SEGMENT_QUERY_LIMITS: SegmentQueryLimits = { maxLength: 10_000, maxDepth: 50, maxConditions: 200 };

const OPERATOR_LIST = '=, !=, >, >=, <, <=, BETWEEN, CONTAINS, NOT CONTAINS, IS NULL or IS NOT NULL';

export function parseSegmentQuery(query: string, limits: Partial<SegmentQueryLimits> = {}): SegmentQueryNode {
  const effective = { ...DEFAULT_SEGMENT_QUERY_LIMITS, ...limits };
  if (query.length > effective.maxLength) {
    throw new SegmentQueryError(
      'limit',
      effective.maxLength,
      '',
      `query is too long: ${query.length} characters, at most ${effective.maxLength}`,
      query.slice(0, effective.maxLength),
    );
  }
  return new Parser(query, tokenize(query), effective).parse();
}

class Parser {
  private index = 0;
  private depth = 0;
  private conditions = 0;

  constructor(
    private readonly query: string,
    private readonly tokens: readonly Token[],
    private readonly limits: SegmentQueryLimits,
  ) {}

  parse(): SegmentQueryNode {
    if (this.peek().type === 'end') {
      this.fail('syntax', this.peek(), 'the query is empty: expected a condition such as amount_spent > 100');
    }
    const node = this.parseOr();
    const next = this.peek();
    if (next.type === ')') this.fail('syntax', next, "unexpected ')' with no matching '('");
    if (next.type !== 'end') {
      this.fail('syntax', next, `expected AND or OR but found ${this.describeWithHint(next, ['AND', 'OR'])}`);
    }
    return node;
  }

  private parseOr(): SegmentQueryNode {
    const first = this.parseAnd();
    const operands = [first];
    while (this.isKeyword(this.peek(), 'OR')) {
      this.index++;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? first : { kind: 'or', operands, position: first.position };
  }

  private parseAnd(): SegmentQueryNode {
    const first = this.parseUnary();
    const operands = [first];
    while (this.isKeyword(this.peek(), 'AND')) {
      this.index++;
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? first : { kind: 'and', operands, position: first.position };
  }

  private parseUnary(): SegmentQueryNode {
    const token = this.peek();
    if (!this.isKeyword(token, 'NOT')) return this.parsePrimary();
    this.enter(token);
    this.index++;
    const operand = this.parseUnary();
    this.depth--;
    return { kind: 'not', operand, position: token.position };
  }

  private parsePrimary(): SegmentQueryNode {
    const token = this.peek();
    if (token.type === '(') {
      this.enter(token);
      this.index++;
      const node = this.parseOr();
      const close = this.peek();
      if (close.type !== ')') {
        const found = this.describeWithHint(close, ['AND', 'OR']);
        const expected = close.type === 'end' ? `')' to close the '(' at ${token.position}` : "AND, OR or ')'";
        this.fail('syntax', close, `expected ${expected} but found ${found}`);
      }
      this.index++;
      this.depth--;
      return node;
    }
    if (token.type === 'word' && !(KEYWORDS as readonly string[]).includes(token.value)) return this.parseCondition();
    return this.fail(
      'syntax',
      token,
      `expected a condition (an attribute such as amount_spent), NOT or '(' but found ${describeToken(token)}`,
    );
  }

  private parseCondition(): SegmentQueryCondition {
    const nameToken = this.next();
    const name = nameToken.text.toLowerCase();
    if (!isSegmentAttributeName(name)) {
      const suggestion = closest(name, SEGMENT_ATTRIBUTE_NAMES);
      const hint = suggestion
        ? ` (did you mean '${suggestion}'?)`
        : `: the attributes are ${SEGMENT_ATTRIBUTE_NAMES.join(', ')}`;
      this.fail('unknown_attribute', nameToken, `unknown attribute ${showToken(nameToken.text)}${hint}`);
    }
    this.conditions++;
    if (this.conditions > this.limits.maxConditions) {
      this.fail('limit', nameToken, `too many conditions: at most ${this.limits.maxConditions}`);
    }
    const attribute = SEGMENT_ATTRIBUTES[name as keyof typeof SEGMENT_ATTRIBUTES];
    const base = { kind: 'condition' as const, attribute: attribute.name, position: nameToken.position };
    const operatorToken = this.peek();
    const operator = this.readOperator(attribute.name);
    checkOperator(attribute, operator, operatorToken, this.query);
    const value = (): SegmentQueryValue => typedValue(attribute, operator, operator, this.next(), this.query);
    switch (operator) {
      case 'IS NULL':
      case 'IS NOT NULL':
        return { ...base, operator };
      case 'BETWEEN': {
        const lowToken = this.peek();
        const low = value();
        const and = this.peek();
        if (!this.isKeyword(and, 'AND')) {
          this.fail('syntax', and, `expected AND between the two BETWEEN values but found ${describeToken(and)}`);
        }
        this.index++;
        const high = typedValue(attribute, 'AND', operator, this.next(), this.query);
        checkBetween(low, high, lowToken, this.query);
        return { ...base, operator, low, high };
      }
      default:
        return { ...base, operator, value: value() };
    }
  }

  /** Reads the operator after an attribute, including the two-word and three-word ones. */
  private readOperator(attributeName: string): SegmentQueryOperator {
    const token = this.next();
    if (token.type === 'operator') return token.text as SegmentQueryOperator;
    if (this.isKeyword(token, 'BETWEEN')) return 'BETWEEN';
    if (this.isKeyword(token, 'CONTAINS')) return 'CONTAINS';
    if (this.isKeyword(token, 'NOT')) {
      const contains = this.next();
      if (!this.isKeyword(contains, 'CONTAINS')) {
        this.fail('syntax', contains, `expected CONTAINS after NOT but found ${describeToken(contains)}`);
      }
      return 'NOT CONTAINS';
    }
    if (this.isKeyword(token, 'IS')) {
      let next = this.next();
      const negated = this.isKeyword(next, 'NOT');
      if (negated) next = this.next();
      if (!this.isKeyword(next, 'NULL')) {
        const expected = negated ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS';
        this.fail('syntax', next, `expected ${expected} but found ${describeToken(next)}`);
      }
      return negated ? 'IS NOT NULL' : 'IS NULL';
    }
    const found = this.describeWithHint(token, ['BETWEEN', 'CONTAINS', 'IS']);
    return this.fail('syntax', token, `expected an operator (${OPERATOR_LIST}) after '${attributeName}' but found ${found}`);
  }

  /** One more level of '(' or NOT; refused beyond maxDepth, before recursing. */
  private enter(token: Token): void {
    this.depth++;
    if (this.depth > this.limits.maxDepth) {
      this.fail('limit', token, `nesting is too deep: at most ${this.limits.maxDepth} levels of parentheses and NOT`);
    }
  }

  private describeWithHint(token: Token, keywords: readonly string[]): string {
    const suggestion = token.type === 'word' ? closest(token.text, keywords) : undefined;
    return `${describeToken(token)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
  }

  private isKeyword(token: Token, keyword: (typeof KEYWORDS)[number]): boolean {
    return token.type === 'word' && token.value === keyword;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  /** The current token, moving on unless it is the end (which stays, so errors can point at it). */
  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== 'end') this.index++;
    return token;
  }

  private fail(kind: SegmentQueryError['kind'], token: Token, detail: string): never {
    throw new SegmentQueryError(kind, token.position, token.text, detail, this.query);
  }
}
