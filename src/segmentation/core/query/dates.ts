/**
 * What a date condition means, as bounds on the attribute's moment. The compiler turns the bounds into
 * SQL and the evaluator checks them in JavaScript, so the two cannot read a date differently.
 *
 *   Absolute date D (2025-01-31) is the whole UTC day [D 00:00Z, D+1 00:00Z):
 *     = D   start ≤ t < end      > D   t ≥ end       >= D  t ≥ start
 *     < D   t < start            <= D  t < end       BETWEEN D1 AND D2   start(D1) ≤ t < end(D2)
 *   Relative date R (-30d) is the moment `now` minus the amount, and ordering compares with that moment:
 *     > R   t > R   >= R  t ≥ R   < R  t < R   <= R  t ≤ R   BETWEEN R1 AND R2   R1 ≤ t ≤ R2
 *     = R   the UTC day containing R (an exact instant would match nobody)
 *   != is "not =" and, like every != (see compiler.ts), also matches customers with no date.
 *
 * Days and weeks are exact multiples of 24 hours. Months and years count on the UTC calendar and keep the
 * time of day; a day that does not exist in the target month is clamped to its last day (31 March − 1m is
 * 28 or 29 February; 29 February − 1y is 28 February).
 */
import type { ComparisonOperator, SegmentQueryValue } from './ast';
import type { RelativeDateUnit } from './lexer';

export const MS_PER_DAY = 86_400_000;

export interface DateBound {
  readonly op: '>' | '>=' | '<' | '<=';
  readonly at: Date;
}

export function resolveRelativeDate(now: Date, amount: number, unit: RelativeDateUnit): Date {
  switch (unit) {
    case 'd':
      return new Date(now.getTime() - amount * MS_PER_DAY);
    case 'w':
      return new Date(now.getTime() - amount * 7 * MS_PER_DAY);
    case 'm':
      return monthsBefore(now, amount);
    case 'y':
      return monthsBefore(now, amount * 12);
  }
}

function monthsBefore(now: Date, months: number): Date {
  const total = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const result = new Date(now.getTime());
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999. Day 1 first, so that setting the
  // month cannot overflow into the next one before the day is clamped.
  result.setUTCFullYear(year, month, 1);
  result.setUTCDate(Math.min(now.getUTCDate(), daysInMonth(year, month)));
  return result;
}

function daysInMonth(year: number, month: number): number {
  const probe = new Date(0);
  probe.setUTCFullYear(year, month + 1, 0);
  return probe.getUTCDate();
}

/** Midnight UTC starting the calendar day YYYY-MM-DD. */
export function dayStart(day: string): Date {
  const result = new Date(0);
  result.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  return result;
}

/** The UTC day [start, end) a date value designates: the day itself, or the day containing the moment. */
function dayOf(value: SegmentQueryValue, now: Date): { start: Date; end: Date } {
  const start =
    value.kind === 'date'
      ? dayStart(value.value)
      : new Date(Math.floor(moment(value, now).getTime() / MS_PER_DAY) * MS_PER_DAY);
  return { start, end: new Date(start.getTime() + MS_PER_DAY) };
}

function moment(value: SegmentQueryValue, now: Date): Date {
  if (value.kind !== 'relative_date') throw new TypeError(`not a relative date: ${value.kind}`);
  return resolveRelativeDate(now, value.amount, value.unit);
}

/** The bound `t op value` stands for (op one of > >= < <=). */
function bound(op: DateBound['op'], value: SegmentQueryValue, now: Date): DateBound {
  if (value.kind === 'relative_date') return { op, at: moment(value, now) };
  const { start, end } = dayOf(value, now);
  switch (op) {
    case '>':
      return { op: '>=', at: end };
    case '>=':
      return { op: '>=', at: start };
    case '<':
      return { op: '<', at: start };
    case '<=':
      return { op: '<', at: end };
  }
}

/**
 * The bounds a date condition puts on the moment t; t must satisfy all of them. `!=` is not here: it is
 * the negation of `=` (plus NULL), which both the compiler and the evaluator build from these bounds.
 */
export function dateBounds(
  operator: Exclude<ComparisonOperator, '!='> | 'BETWEEN',
  values: readonly SegmentQueryValue[],
  now: Date,
): DateBound[] {
  switch (operator) {
    case '=': {
      const { start, end } = dayOf(values[0], now);
      return [
        { op: '>=', at: start },
        { op: '<', at: end },
      ];
    }
    case 'BETWEEN':
      return [bound('>=', values[0], now), bound('<=', values[1], now)];
    default:
      return [bound(operator, values[0], now)];
  }
}

export function satisfies(t: Date, b: DateBound): boolean {
  const x = t.getTime();
  const y = b.at.getTime();
  switch (b.op) {
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
  }
}
