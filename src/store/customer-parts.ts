/**
 * A share of a shop's customers by a hash of their id: part `part` (0-based) of `parts`. Work split this way
 * runs on several connections at once, each part in its own transaction, and the parts never overlap.
 */
export interface CustomerPart {
  parts: number;
  part: number;
}

export const ALL_CUSTOMERS: CustomerPart = { parts: 1, part: 0 };

export function customerParts(parts: number): CustomerPart[] {
  return Array.from({ length: parts }, (_, part) => ({ parts, part }));
}

/**
 * Whether the customer id in `column` is in the part named by the placeholders (every customer when there is
 * one part, which the planner sees before it runs). `column` and the placeholders are the caller's own SQL
 * text, never data. hashtext is the same on the embedded database and a server.
 */
export function inCustomerPartSql(column: string, parts: string, part: string): string {
  return `(${parts}::int = 1 OR mod(hashtext(${column}) & 2147483647, ${parts}::int) = ${part}::int)`;
}
