/**
 * Prints a parsed query back as canonical query text: keywords upper-case, attributes and enum keys
 * lower-case, country codes upper-case, single spaces, and only the parentheses the tree needs. Parsing
 * the output gives the same tree (positions aside) — the property tests hold it to that — so a saved
 * segment can be stored in this form and shown to the marketer.
 *
 * Parentheses: an OR inside an AND, and an AND/OR inside an AND/OR of the same kind (which can only come
 * from parentheses the author wrote, since a run of ANDs is parsed flat) keep theirs; the operand of NOT
 * is always parenthesised unless it is itself a NOT, because `NOT amount_spent > 5` reads ambiguously.
 */
import type { SegmentQueryNode, SegmentQueryValue } from './ast';

export function formatSegmentQuery(ast: SegmentQueryNode): string {
  switch (ast.kind) {
    case 'and':
      return ast.operands.map((operand) => grouped(operand, operand.kind === 'and' || operand.kind === 'or')).join(' AND ');
    case 'or':
      return ast.operands.map((operand) => grouped(operand, operand.kind === 'or')).join(' OR ');
    case 'not':
      return `NOT ${grouped(ast.operand, ast.operand.kind !== 'not')}`;
    case 'condition':
      switch (ast.operator) {
        case 'IS NULL':
        case 'IS NOT NULL':
          return `${ast.attribute} ${ast.operator}`;
        case 'BETWEEN':
          return `${ast.attribute} BETWEEN ${formatValue(ast.low)} AND ${formatValue(ast.high)}`;
        default:
          return `${ast.attribute} ${ast.operator} ${formatValue(ast.value)}`;
      }
  }
}

function grouped(node: SegmentQueryNode, parenthesise: boolean): string {
  return parenthesise ? `(${formatSegmentQuery(node)})` : formatSegmentQuery(node);
}

export function formatValue(value: SegmentQueryValue): string {
  switch (value.kind) {
    case 'number':
      // Literals have ≤ 15 significant digits and ≤ 6 decimals, so String() prints them without exponent.
      return String(value.value);
    case 'string':
      return `'${value.value.replace(/'/g, "''")}'`;
    case 'date':
      return value.value;
    case 'relative_date':
      return `-${value.amount}${value.unit}`;
  }
}
