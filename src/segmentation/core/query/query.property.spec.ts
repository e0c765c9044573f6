/**
 * Property and fuzz tests of the whole pipeline. The promises under test:
 *   (a) every query the grammar generates compiles, and its SQL consists only of the compiler's own
 *       tokens (keywords, operators, parentheses, placeholders) and the caller's column names;
 *   (b) any text at all — random, mutated, hostile — either compiles to such SQL or fails with a
 *       SegmentQueryError pointing inside the query at the offending token, quickly, never with another
 *       exception and never with user text in the SQL;
 *   (c) parse → format → parse gives the same tree, and formatting is idempotent.
 */
import fc from 'fast-check';
import type { SegmentQueryNode } from './ast';
import { SEGMENT_ATTRIBUTE_NAMES } from './attributes';
import { compileSegmentQuery } from './compiler';
import { SegmentQueryError } from './errors';
import { formatSegmentQuery } from './format';
import { parseSegmentQuery } from './parser';
import { QUERY_TEST_NOW, TEST_COLUMNS, TAG_POOL, anyConditionText, queryText } from './testing/query-arbitraries';

const FIRST_PARAMETER = 4;
const SQL_WORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'TRUE', 'DISTINCT', 'FROM', 'BETWEEN', 'ANY', 'coalesce', 'cardinality']);
const COLUMN_NAMES = new Set(Object.values(TEST_COLUMNS));
/** One SQL token of the kinds the compiler emits; anything else in the SQL is a failure. */
const SQL_TOKEN = /\s+|\$\d+|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|>=|<=|[()=<>,]|0/y;

/** Throws unless the SQL is made only of whitelisted tokens and placeholders $first..$last, each once. */
function assertWhitelisted(sql: string, parameters: readonly unknown[]): void {
  const placeholders: number[] = [];
  SQL_TOKEN.lastIndex = 0;
  while (SQL_TOKEN.lastIndex < sql.length) {
    const start = SQL_TOKEN.lastIndex;
    const match = SQL_TOKEN.exec(sql);
    if (!match) throw new Error(`unexpected SQL text at ${start}: ${JSON.stringify(sql.slice(start, start + 20))}`);
    const token = match[0];
    if (token.startsWith('$')) placeholders.push(Number(token.slice(1)));
    else if (/^[A-Za-z_]/.test(token) && !SQL_WORDS.has(token) && !COLUMN_NAMES.has(token)) {
      throw new Error(`unexpected SQL word ${JSON.stringify(token)} in ${sql}`);
    }
  }
  expect(placeholders).toEqual(parameters.map((_, i) => FIRST_PARAMETER + i));
}

const compile = (query: string) => compileSegmentQuery(query, { now: QUERY_TEST_NOW, firstParameter: FIRST_PARAMETER, columns: TEST_COLUMNS });

/** A hard ceiling per call: generous for slow CI machines, far below anything that could be called a hang. */
const MAX_MS_PER_QUERY = 250;

/** Compiles any text; the only acceptable outcomes are whitelisted SQL or a well-formed SegmentQueryError. */
function compileAnything(query: string): 'compiled' | 'refused' {
  const started = performance.now();
  try {
    const { sql, parameters } = compile(query);
    assertWhitelisted(sql, parameters);
    return 'compiled';
  } catch (error) {
    if (!(error instanceof SegmentQueryError)) throw error;
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThanOrEqual(query.length);
    expect(error.message.startsWith(`at ${error.position}`)).toBe(true);
    // The token is the text at the position (the length limit has no token).
    if (error.kind !== 'limit' || error.token !== '') expect(query.slice(error.position, error.position + error.token.length)).toBe(error.token);
    return 'refused';
  } finally {
    expect(performance.now() - started).toBeLessThan(MAX_MS_PER_QUERY);
  }
}

function withoutPositions(node: SegmentQueryNode): unknown {
  return JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'position' ? undefined : value)));
}

describe('(a) generated valid queries', () => {
  it('always compile to SQL made only of the compiler tokens and the columns', () => {
    fc.assert(
      fc.property(queryText, (query) => {
        const { sql, parameters, attributes } = compile(query);
        assertWhitelisted(sql, parameters);
        expect(attributes.length).toBeGreaterThan(0);
      }),
      { numRuns: 1_000 },
    );
  });

  it('cover every attribute and every operator (the generator is not degenerate)', () => {
    const seen = new Set<string>();
    const visit = (node: SegmentQueryNode): void => {
      if (node.kind === 'condition') seen.add(node.attribute).add(node.operator);
      else if (node.kind === 'not') visit(node.operand);
      else node.operands.forEach(visit);
    };
    fc.sample(queryText, { numRuns: 3_000, seed: 1 }).forEach((query) => visit(parseSegmentQuery(query)));
    for (const expected of [...SEGMENT_ATTRIBUTE_NAMES, '=', '!=', '>', '>=', '<', '<=', 'BETWEEN', 'CONTAINS', 'NOT CONTAINS', 'IS NULL', 'IS NOT NULL']) {
      expect(seen).toContain(expected);
    }
  });

  it('carry every literal as a parameter, never in the SQL', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TAG_POOL), (tag) => {
        const { sql, parameters } = compile(`customer_tags CONTAINS '${tag.replace(/'/g, "''")}'`);
        expect(parameters).toEqual([tag]);
        expect(sql).toBe('($4 = ANY(c.tags))');
      }),
    );
  });
});

/** Pieces of the language, glued at random: reaches deep parser states that random characters rarely do. */
const PIECES = [
  'amount_spent', 'aov', 'customer_tags', 'customer_countries', 'last_order_date', 'rfm_group', 'vip_tier', 'rfm_score',
  'AND', 'or', 'NOT', 'BETWEEN', 'contains', 'IS', 'NULL', '=', '!=', '>', '>=', '<', '<=', '(', ')', "'", "''",
  "'vip'", "'FR'", "'loyal'", '500', '-5', '19.99', '2025-01-31', '-30d', '-6m', '0.5', '555', ';', '--', '"', '\\', '\u0000',
  'DROP TABLE customers', '$1', '😀', '\u202e', '\n', ' ',
];
const gluedPieces = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).chain((pieces) =>
  fc.constantFrom(' ', '', '\n').map((glue) => pieces.join(glue)),
);

/** A valid query with one character inserted, deleted or replaced. */
const mutatedQuery = fc
  .tuple(queryText, fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
  .map(([query, at, how, character]) => {
    const i = at % (query.length + 1);
    if (how === 'insert') return query.slice(0, i) + character + query.slice(i);
    if (how === 'delete') return query.slice(0, i) + query.slice(i + 1);
    return query.slice(0, i) + character + query.slice(i + 1);
  });

const HOSTILE = [
  "'; DROP TABLE customers; --",
  "customer_tags CONTAINS ''); DROP TABLE customers; --'",
  "customer_tags CONTAINS 'x' OR 1=1 --'",
  'aov > 1; DROP TABLE customers',
  'aov > 1 -- comment',
  'aov > 1 /* comment */',
  "rfm_group = 'new' UNION SELECT * FROM shops",
  'aov > $1',
  'aov > 1e309',
  'aov > 0x10',
  'aov > 1_000',
  'aov > NaN',
  'aov > Infinity',
  'aov > 1\u0000',
  '\u0000'.repeat(1000),
  "customer_tags CONTAINS 'a\u0000b'",
  '\ufeffaov > 1',
  'aov\u00a0> 1',
  'aov > 1 AND\u2028aov > 2',
  '('.repeat(100_000),
  ')'.repeat(100_000),
  `${'('.repeat(5_000)}aov > 1${')'.repeat(5_000)}`,
  'NOT '.repeat(100_000),
  `${'NOT '.repeat(2_000)}aov > 1`,
  `${'(NOT '.repeat(1_000)}aov > 1`,
  "'".repeat(10_000),
  "'".repeat(9_999),
  `customer_tags CONTAINS '${'x'.repeat(9_000)}`,
  `customer_tags CONTAINS '${"''".repeat(4_900)}'`,
  'a'.repeat(10_000),
  '9'.repeat(10_000),
  `aov > ${'9'.repeat(9_000)}`,
  `last_order_date < -${'9'.repeat(9_000)}d`,
  '-'.repeat(10_000),
  'aov > 1 OR '.repeat(909) + 'aov > 1',
  Array.from({ length: 1_000 }, () => 'aov>1').join(' OR '),
  `aov BETWEEN 1 AND ${'2 AND '.repeat(1_000)}`,
  'amount_spent > 500 AND number_of_orders >= 3 AND customer_countries CONTAINS \'FR\'\u0000',
  '𝒶𝓂𝑜𝓊𝓃𝓉 > 1',
  'ＡＮＤ',
];

describe('(b) any input', () => {
  it('random text: compiles to whitelisted SQL or fails with a SegmentQueryError, quickly', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (query) => void compileAnything(query)), { numRuns: 2_000 });
  });

  it('glued language pieces: the same', () => {
    const outcomes = { compiled: 0, refused: 0 };
    fc.assert(fc.property(gluedPieces, (query) => void outcomes[compileAnything(query)]++), { numRuns: 3_000 });
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('valid queries with one character changed: the same', () => {
    const outcomes = { compiled: 0, refused: 0 };
    fc.assert(fc.property(mutatedQuery, (query) => void outcomes[compileAnything(query)]++), { numRuns: 2_000 });
    // Both outcomes occur: the mutations exercise refusals and still-valid queries alike.
    expect(outcomes.compiled).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  const label = (query: string) => (query.length > 30 ? `${JSON.stringify(query.slice(0, 30))}… (${query.length} characters)` : JSON.stringify(query));
  it.each(HOSTILE.map((query) => [label(query), query]))(
    'hostile input %s',
    (_, query) => {
      const outcome = compileAnything(query);
      if (outcome === 'compiled') {
        const { sql } = compile(query);
        expect(sql).not.toMatch(/DROP|UNION|SELECT|--|;|'/);
      }
    },
  );
});

describe('(c) parse → format → parse', () => {
  it('gives the same tree and a fixed point of formatting', () => {
    fc.assert(
      fc.property(queryText, (query) => {
        const tree = parseSegmentQuery(query);
        const text = formatSegmentQuery(tree);
        const again = parseSegmentQuery(text);
        expect(withoutPositions(again)).toEqual(withoutPositions(tree));
        expect(formatSegmentQuery(again)).toBe(text);
      }),
      { numRuns: 1_000 },
    );
  });

  it('formats every single condition canonically: the formatted text compiles to the same SQL', () => {
    fc.assert(
      fc.property(anyConditionText, (query) => {
        expect(compile(formatSegmentQuery(parseSegmentQuery(query)))).toEqual(compile(query));
      }),
      { numRuns: 1_000 },
    );
  });
});
