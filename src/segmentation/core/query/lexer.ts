/**
 * Lexer of the segment query language (grammar: GRAMMAR.md). One pass, no backtracking, no regular
 * expression over the whole input, so its time is linear in the query length whatever the text.
 *
 * Numbers are limited to 15 significant digits and 6 decimals so that a JavaScript number holds them
 * exactly enough: comparing them as doubles (evaluator) or as numeric (SQL) gives the same answer, and
 * String(value) prints them back without an exponent (formatter).
 */
import { SegmentQueryError, showToken } from './errors';

export type TokenType = 'word' | 'string' | 'number' | 'date' | 'relative_date' | 'operator' | '(' | ')' | 'end';

export interface Token {
  readonly type: TokenType;
  /** The token exactly as written. */
  readonly text: string;
  readonly position: number;
  /**
   * word: upper-cased text (keywords and attributes are case-insensitive); string: the content with ''
   * unescaped; relative_date: lower-cased text; others: the text.
   */
  readonly value: string;
}

export const KEYWORDS = ['AND', 'OR', 'NOT', 'BETWEEN', 'CONTAINS', 'IS', 'NULL'] as const;
export type RelativeDateUnit = 'd' | 'w' | 'm' | 'y';

/** How far back a relative date may reach, per unit: about 100 years, well inside timestamptz. */
export const RELATIVE_DATE_LIMITS: Readonly<Record<RelativeDateUnit, number>> = {
  d: 36_525,
  w: 5_218,
  m: 1_200,
  y: 100,
};
const UNIT_NAMES: Readonly<Record<RelativeDateUnit, string>> = { d: 'days', w: 'weeks', m: 'months', y: 'years' };

const MIN_YEAR = 1900;
const MAX_YEAR = 2999;
const MAX_SIGNIFICANT_DIGITS = 15;
const MAX_DECIMALS = 6;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c);
}

/** Characters that glue onto a number, date or relative date; a run of them is one token or an error. */
function isValuePart(c: number): boolean {
  return isWordPart(c) || c === 46 /* . */ || c === 45 /* - */;
}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const fail = (position: number, token: string, detail: string): never => {
    throw new SegmentQueryError('syntax', position, token, detail, query);
  };
  let i = 0;
  while (i < query.length) {
    const c = query.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    const push = (type: TokenType, end: number, value?: string) => {
      const text = query.slice(start, end);
      tokens.push({ type, text, position: start, value: value ?? text });
      i = end;
    };
    if (c === 40 || c === 41) {
      push(c === 40 ? '(' : ')', i + 1);
    } else if (c === 61) {
      push('operator', i + 1);
    } else if (c === 60 || c === 62) {
      push('operator', query.charCodeAt(i + 1) === 61 ? i + 2 : i + 1);
    } else if (c === 33) {
      if (query.charCodeAt(i + 1) !== 61) fail(i, '!', "unexpected character '!' (did you mean '!='?)");
      push('operator', i + 2);
    } else if (c === 39) {
      push('string', ...readString(query, i, fail));
    } else if (isWordStart(c)) {
      let end = i + 1;
      while (end < query.length && isWordPart(query.charCodeAt(end))) end++;
      push('word', end, query.slice(i, end).toUpperCase());
    } else if (isDigit(c) || c === 45) {
      let end = i + 1;
      while (end < query.length && isValuePart(query.charCodeAt(end))) end++;
      const [type, value] = classifyValue(query.slice(i, end), i, fail);
      push(type, end, value);
    } else {
      const character = String.fromCodePoint(query.codePointAt(i) ?? c);
      const hint = c === 34 ? ' (strings are written in single quotes)' : '';
      fail(i, character, `unexpected character ${showToken(character)}${hint}`);
    }
  }
  tokens.push({ type: 'end', text: '', position: query.length, value: '' });
  return tokens;
}

type Fail = (position: number, token: string, detail: string) => never;

/** A single-quoted string starting at `start`; '' inside stands for one quote. Returns [end, content]. */
function readString(query: string, start: number, fail: Fail): [number, string] {
  let content = '';
  let i = start + 1;
  let chunk = i;
  for (;;) {
    const quote = query.indexOf("'", i);
    if (quote < 0) {
      return fail(start, query.slice(start), 'unterminated string: the closing single quote is missing');
    }
    if (query.charCodeAt(quote + 1) === 39) {
      content += query.slice(chunk, quote + 1);
      i = quote + 2;
      chunk = i;
      continue;
    }
    content += query.slice(chunk, quote);
    return [quote + 1, content];
  }
}

/** A run like 500, 19.99, -5, 2025-01-31 or -30d; anything else glued together (5abc, 1.2.3) is an error. */
function classifyValue(text: string, position: number, fail: Fail): [TokenType, string] {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const year = Number(date[1]);
    if (!isCalendarDate(year, Number(date[2]), Number(date[3]))) {
      fail(position, text, `invalid date ${showToken(text)}: no such day (dates are written YYYY-MM-DD)`);
    }
    // Far years are typos, and beyond 9999 the day after would not print as an ISO date PostgreSQL reads.
    if (year < MIN_YEAR || year > MAX_YEAR) {
      fail(position, text, `date ${showToken(text)} is out of range: dates are from ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31`);
    }
    return ['date', text];
  }
  const relative = /^-(\d+)([dwmy])$/i.exec(text);
  if (relative) {
    const unit = relative[2].toLowerCase() as RelativeDateUnit;
    const amount = Number(relative[1]);
    if (amount > RELATIVE_DATE_LIMITS[unit]) {
      const limit = `${RELATIVE_DATE_LIMITS[unit]} ${UNIT_NAMES[unit]}`;
      fail(position, text, `relative date ${showToken(text)} reaches too far back: at most ${limit}`);
    }
    return ['relative_date', `-${amount}${unit}`];
  }
  const number = /^-?(\d+)(?:\.(\d+))?$/.exec(text);
  if (number) {
    const digits = (number[1] + (number[2] ?? '')).replace(/^0+/, '');
    if (digits.length > MAX_SIGNIFICANT_DIGITS || (number[2] ?? '').length > MAX_DECIMALS) {
      const limit = `at most ${MAX_SIGNIFICANT_DIGITS} significant digits and ${MAX_DECIMALS} decimals`;
      fail(position, text, `number ${showToken(text)} has too many digits: ${limit}`);
    }
    return ['number', text];
  }
  if (text === '-') {
    return fail(position, text, "unexpected character '-': a relative date is written like -30d, -4w, -6m or -2y");
  }
  const expected = 'a number (100, 19.99), a date (2025-01-31) or a relative date (-30d, -4w, -6m, -2y)';
  return fail(position, text, `malformed value ${showToken(text)}: expected ${expected}`);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() + (month === 2 && !isLeapYear(year) ? -1 : 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
