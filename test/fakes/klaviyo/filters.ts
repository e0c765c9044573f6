/**
 * Klaviyo's `filter` query syntax: `equals(name,"VIP")`, `any(email,["a@x.com","b@x.com"])`,
 * `and(equals(a,1),greater-than(created,2024-01-01T00:00:00Z))`, several top-level conditions separated by
 * commas meaning AND. Fields and operators are checked against what the operation's parameter description
 * in the OpenAPI document allows ("`name`: `any`, `equals`"), as Klaviyo answers 400 to anything else.
 */
export type FilterValue = string | number | boolean | null | FilterValue[];
export type Condition =
  | { op: 'and' | 'or'; args: Condition[] }
  | { op: 'not'; args: [Condition] }
  | { op: string; field: string; value: FilterValue };

export class FilterError extends Error {}

export function parseFilter(text: string, allowed?: Map<string, Set<string>>): Condition[] {
  const parser = new Parser(text);
  const conditions = parser.list();
  parser.end();
  if (allowed) conditions.forEach((condition) => check(condition, allowed));
  return conditions;
}

/** Reads "Allowed field(s)/operator(s):<br>`name`: `any`, `equals`<br>..." from a parameter description. */
export function allowedFilters(description: string | undefined): Map<string, Set<string>> | undefined {
  if (!description || !description.includes('Allowed field')) return undefined;
  const allowed = new Map<string, Set<string>>();
  for (const match of description.matchAll(/`([\w.$-]+)`: ((?:`[\w-]+`(?:, )?)+)/g)) {
    allowed.set(match[1], new Set([...match[2].matchAll(/`([\w-]+)`/g)].map((m) => m[1])));
  }
  return allowed;
}

export function matches(condition: Condition, read: (field: string) => unknown): boolean {
  if (condition.op === 'and') return (condition as { args: Condition[] }).args.every((c) => matches(c, read));
  if (condition.op === 'or') return (condition as { args: Condition[] }).args.some((c) => matches(c, read));
  if (condition.op === 'not') return !matches((condition as { args: Condition[] }).args[0], read);
  const { op, field, value } = condition as { op: string; field: string; value: FilterValue };
  const actual = read(field);
  switch (op) {
    case 'equals':
      return same(actual, value);
    case 'any':
      return Array.isArray(value) && value.some((v) => same(actual, v));
    case 'contains':
      return Array.isArray(actual) ? actual.some((a) => same(a, value)) : typeof actual === 'string' && actual.includes(String(value));
    case 'greater-than':
      return compare(actual, value) > 0;
    case 'greater-or-equal':
      return compare(actual, value) >= 0;
    case 'less-than':
      return compare(actual, value) < 0;
    case 'less-or-equal':
      return compare(actual, value) <= 0;
    case 'starts-with':
      return typeof actual === 'string' && actual.startsWith(String(value));
    case 'ends-with':
      return typeof actual === 'string' && actual.endsWith(String(value));
    default:
      throw new FilterError(`operator '${op}' is not supported by the fake`);
  }
}

function same(actual: unknown, value: FilterValue): boolean {
  if (typeof actual === 'string' && typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return Date.parse(actual) === Date.parse(value);
  return actual === value || (actual === undefined && value === null);
}

function compare(actual: unknown, value: FilterValue): number {
  if (typeof actual === 'number' && typeof value === 'number') return actual - value;
  const a = Date.parse(String(actual));
  const b = Date.parse(String(value));
  if (Number.isNaN(a) || Number.isNaN(b)) return String(actual).localeCompare(String(value));
  return a - b;
}

function check(condition: Condition, allowed: Map<string, Set<string>>): void {
  if ('args' in condition) return condition.args.forEach((c) => check(c, allowed));
  const operators = allowed.get(condition.field);
  if (!operators) throw new FilterError(`'${condition.field}' is not a valid field for this filter`);
  if (!operators.has(condition.op)) throw new FilterError(`'${condition.op}' is not a valid operator for '${condition.field}'`);
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  list(): Condition[] {
    const conditions = [this.condition()];
    while (this.peek() === ',') {
      this.at += 1;
      conditions.push(this.condition());
    }
    return conditions;
  }

  end(): void {
    this.space();
    if (this.at < this.text.length) throw new FilterError(`unexpected '${this.text.slice(this.at)}' at ${this.at} in filter`);
  }

  private condition(): Condition {
    const op = this.word();
    this.expect('(');
    if (op === 'and' || op === 'or' || op === 'not') {
      const args = this.list();
      this.expect(')');
      if (op === 'not' && args.length !== 1) throw new FilterError('not() takes one condition');
      return { op, args } as Condition;
    }
    const field = this.word();
    this.expect(',');
    const value = this.value();
    this.expect(')');
    return { op, field, value };
  }

  private value(): FilterValue {
    const c = this.peek();
    if (c === '[') {
      this.at += 1;
      const items: FilterValue[] = [];
      if (this.peek() === ']') {
        this.at += 1;
        return items;
      }
      for (;;) {
        items.push(this.value());
        const next = this.peek();
        this.at += 1;
        if (next === ']') return items;
        if (next !== ',') throw new FilterError(`expected ',' or ']' at ${this.at - 1} in filter`);
      }
    }
    if (c === '"' || c === "'") {
      const end = this.text.indexOf(c, this.at + 1);
      if (end < 0) throw new FilterError(`unterminated string at ${this.at} in filter`);
      const text = this.text.slice(this.at + 1, end);
      this.at = end + 1;
      return text;
    }
    const raw = this.word();
    if (raw === 'true' || raw === 'false') return raw === 'true';
    if (raw === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    return raw; // bare datetimes, as Klaviyo accepts them
  }

  private word(): string {
    this.space();
    const match = /^[\w.$:+-]+/.exec(this.text.slice(this.at));
    if (!match) throw new FilterError(`expected a name at ${this.at} in filter '${this.text}'`);
    this.at += match[0].length;
    return match[0];
  }

  private expect(char: string): void {
    if (this.peek() !== char) throw new FilterError(`expected '${char}' at ${this.at} in filter '${this.text}'`);
    this.at += 1;
  }

  private peek(): string {
    this.space();
    return this.text[this.at];
  }

  private space(): void {
    while (this.text[this.at] === ' ') this.at += 1;
  }
}
