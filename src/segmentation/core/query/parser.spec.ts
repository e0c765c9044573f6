import type { SegmentQueryNode } from './ast';
import { parseSegmentQuery } from './parser';

/** A compact picture of the tree: conditions as their canonical text, connectives as nested lists. */
function shape(node: SegmentQueryNode): unknown {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [node.kind.toUpperCase(), ...node.operands.map(shape)];
    case 'not':
      return ['NOT', shape(node.operand)];
    case 'condition':
      return node.attribute;
  }
}

const parse = (query: string) => shape(parseSegmentQuery(query));

describe('parseSegmentQuery: precedence and grouping', () => {
  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    expect(parse("aov > 1 OR amount_spent > 2 AND NOT rfm_group = 'new'")).toEqual([
      'OR',
      'aov',
      ['AND', 'amount_spent', ['NOT', 'rfm_group']],
    ]);
    expect(parse('aov > 1 AND amount_spent > 2 OR rfm_score > 111')).toEqual(['OR', ['AND', 'aov', 'amount_spent'], 'rfm_score']);
  });

  it('keeps runs of the same connective flat and lets parentheses override precedence', () => {
    expect(parse('aov > 1 AND aov > 2 AND aov > 3')).toEqual(['AND', 'aov', 'aov', 'aov']);
    expect(parse('aov > 1 OR aov > 2 OR aov > 3')).toEqual(['OR', 'aov', 'aov', 'aov']);
    expect(parse('(aov > 1 OR amount_spent > 2) AND rfm_score > 111')).toEqual(['AND', ['OR', 'aov', 'amount_spent'], 'rfm_score']);
    expect(parse('(aov > 1 AND aov > 2) AND aov > 3')).toEqual(['AND', ['AND', 'aov', 'aov'], 'aov']);
    expect(parse('NOT (aov > 1 OR aov > 2)')).toEqual(['NOT', ['OR', 'aov', 'aov']]);
    expect(parse('NOT NOT aov > 1')).toEqual(['NOT', ['NOT', 'aov']]);
    expect(parse('((((aov > 1))))')).toEqual('aov');
  });

  it('reads the AND of BETWEEN as part of the condition', () => {
    expect(parse('aov BETWEEN 1 AND 5 AND amount_spent BETWEEN 2 AND 3 OR aov = 1')).toEqual([
      'OR',
      ['AND', 'aov', 'amount_spent'],
      'aov',
    ]);
  });
});

describe('parseSegmentQuery: conditions', () => {
  it('builds typed conditions with positions', () => {
    expect(parseSegmentQuery("  amount_spent >= 19.99 AND customer_countries CONTAINS 'fr'")).toEqual({
      kind: 'and',
      position: 2,
      operands: [
        { kind: 'condition', attribute: 'amount_spent', operator: '>=', value: { kind: 'number', value: 19.99 }, position: 2 },
        { kind: 'condition', attribute: 'customer_countries', operator: 'CONTAINS', value: { kind: 'string', value: 'FR' }, position: 28 },
      ],
    });
  });

  it('reads every operator', () => {
    const operator = (q: string) => (parseSegmentQuery(q) as { operator: string }).operator;
    expect(['=', '!=', '>', '>=', '<', '<='].map((op) => operator(`aov ${op} 1`))).toEqual(['=', '!=', '>', '>=', '<', '<=']);
    expect(operator('aov BETWEEN 1 AND 2')).toBe('BETWEEN');
    expect(operator("customer_tags CONTAINS 'a'")).toBe('CONTAINS');
    expect(operator("customer_tags NOT CONTAINS 'a'")).toBe('NOT CONTAINS');
    expect(operator('aov IS NULL')).toBe('IS NULL');
    expect(operator('aov IS NOT NULL')).toBe('IS NOT NULL');
  });

  it('is case-insensitive for keywords, attributes, units and enum keys, and normalises them', () => {
    expect(parseSegmentQuery("Vip_Tier = 'GOLD' and not Customer_Tags not contains 'VIP' or last_order_date between -3M and -1w")).toEqual(
      parseSegmentQuery("vip_tier = 'gold' AND NOT customer_tags NOT CONTAINS 'VIP' OR last_order_date BETWEEN -3m AND -1w"),
    );
    const tier = parseSegmentQuery("vip_tier = 'Platinum'");
    expect(tier).toMatchObject({ value: { kind: 'string', value: 'platinum' } });
  });

  it('keeps tags exactly as written, quotes unescaped', () => {
    expect(parseSegmentQuery("customer_tags CONTAINS 'It''s VIP '")).toMatchObject({ value: { kind: 'string', value: "It's VIP " } });
  });

  it('reads dates, relative dates and normalises -0 to 0', () => {
    expect(parseSegmentQuery('last_order_date BETWEEN 2025-01-01 AND -30d')).toMatchObject({
      low: { kind: 'date', value: '2025-01-01' },
      high: { kind: 'relative_date', amount: 30, unit: 'd' },
    });
    const zero = parseSegmentQuery('aov > -0') as { value: { value: number } };
    expect(Object.is(zero.value.value, 0)).toBe(true);
  });

  it('accepts the limits exactly: 50 levels, 200 conditions, 10,000 characters', () => {
    expect(() => parseSegmentQuery(`${'('.repeat(50)}aov > 1${')'.repeat(50)}`)).not.toThrow();
    expect(() => parseSegmentQuery(`${'NOT '.repeat(50)}aov > 1`)).not.toThrow();
    expect(() => parseSegmentQuery(Array.from({ length: 200 }, () => 'aov > 1').join(' OR '))).not.toThrow();
    expect(() => parseSegmentQuery(`aov > 1${' '.repeat(10_000 - 7)}`)).not.toThrow();
  });

  it('takes other limits when asked', () => {
    expect(() => parseSegmentQuery('aov > 1 OR aov > 2', { maxConditions: 1 })).toThrow('too many conditions: at most 1');
    expect(() => parseSegmentQuery('(aov > 1)', { maxDepth: 0 })).toThrow('nesting is too deep');
    expect(() => parseSegmentQuery('aov > 1', { maxLength: 5 })).toThrow('query is too long: 7 characters, at most 5');
  });
});
