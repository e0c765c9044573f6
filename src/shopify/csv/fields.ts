/**
 * Field parsers: pure functions from a cell's text (already trimmed) to a value, throwing FieldError with
 * the reason in plain words. They know nothing of files or lines; the row reader (csv-rows.ts) adds those.
 */
import { CONSENT_STATES, FINANCIAL_STATUSES, type ConsentState, type FinancialStatus } from '../../store/store-records';
import { FieldError } from './errors';

/** Quotes a cell for a message, shortened so a runaway field does not flood the log. */
export function shown(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `'${short.replace(/\r?\n|\r/g, '\\n')}'`;
}

/** Excel protects numbers and leading zeros with an apostrophe (`'7303338573995`, `'+33610826417`): drop it. */
export function stripApostrophe(text: string): string {
  return text.startsWith("'") ? text.slice(1).trim() : text;
}

// ---------------------------------------------------------------------------------------------- numbers

export interface NumberOptions {
  /** Accept a decimal comma (`12,50`): only for files whose delimiter is not the comma. */
  decimalComma?: boolean;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

export function parseNumber(text: string, options: NumberOptions = {}): number {
  let normalised = text;
  if (options.decimalComma && DECIMAL_COMMA.test(text)) normalised = text.replace(',', '.');
  if (!DECIMAL.test(normalised)) throw new FieldError(`expected a number, got ${shown(text)}`);
  const value = Number(normalised);
  if (!Number.isFinite(value)) throw new FieldError(`expected a number, got ${shown(text)}`);
  return value === 0 ? 0 : value; // no -0
}

export function parseWholeNumber(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new FieldError(`expected a whole number, got ${shown(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new FieldError(`expected a whole number, got ${shown(text)}`);
  return value === 0 ? 0 : value;
}

/** Rounds to cents, halves away from zero, immune to binary noise (1.005 → 1.01, 2.675 → 2.68). */
export function roundCents(value: number): number {
  let scaled = Math.abs(value) * 100;
  // Only values next to a half cent need the slow, noise-free path.
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) scaled = Number(scaled.toPrecision(12));
  const cents = Math.round(scaled);
  const rounded = (Math.sign(value) * cents) / 100;
  return rounded === 0 ? 0 : rounded;
}

export function toCents(value: number): number {
  return Math.round(roundCents(value) * 100);
}

/** A money amount of zero or more, rounded to cents. */
export function parseMoney(text: string, options: NumberOptions = {}): number {
  const value = parseNumber(text, options);
  if (value < 0) throw new FieldError(`expected an amount of zero or more, got ${shown(text)}`);
  return roundCents(value);
}

// ---------------------------------------------------------------------------------------- yes/no, enums

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

export function parseYesNo(text: string): boolean {
  const lower = text.toLowerCase();
  if (YES.has(lower)) return true;
  if (NO.has(lower)) return false;
  throw new FieldError(`expected yes or no, got ${shown(text)}`);
}

/** Shopify's yes/no marketing columns: yes → subscribed, no or empty → not_subscribed. */
export function parseConsent(text: string): ConsentState {
  if (text === '') return 'not_subscribed';
  const lower = text.toLowerCase().replace(/[\s-]+/g, '_');
  if ((CONSENT_STATES as readonly string[]).includes(lower)) return lower as ConsentState;
  return parseYesNo(text) ? 'subscribed' : 'not_subscribed';
}

/** Lower-cased, spaces and dashes as underscores (`Partially refunded` → `partially_refunded`). */
export function parseFinancialStatus(text: string): FinancialStatus {
  const lower = text.toLowerCase().replace(/[\s-]+/g, '_');
  if ((FINANCIAL_STATUSES as readonly string[]).includes(lower)) return lower as FinancialStatus;
  throw new FieldError(`unknown financial status ${shown(text)} (expected one of ${FINANCIAL_STATUSES.join(', ')})`);
}

export function parseCountryCode(text: string): string {
  if (!/^[A-Za-z]{2}$/.test(text)) {
    throw new FieldError(`expected a 2-letter ISO country code such as 'FR', got ${shown(text)}`);
  }
  return text.toUpperCase();
}

/** A country column that may hold a code (`fr` → `FR`) or, in older or generic files, a name (kept as written). */
export function normaliseCountry(text: string): string {
  return /^[A-Za-z]{2}$/.test(text) ? text.toUpperCase() : text;
}

export function parseCurrency(text: string): string {
  if (!/^[A-Za-z]{3}$/.test(text)) throw new FieldError(`expected a 3-letter currency code such as 'EUR', got ${shown(text)}`);
  return text.toUpperCase();
}

/** A loose check (something@something, no spaces); lower-cased because imports match buyers by email. */
export function parseEmail(text: string): string {
  if (!/^[^\s@]+@[^\s@]+$/.test(text)) throw new FieldError(`expected an email address, got ${shown(text)}`);
  return text.toLowerCase();
}

/** Comma-separated lists (tags, discount codes): trimmed, empties dropped. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

// ------------------------------------------------------------------------------------------------ dates

export type DateFormat = 'iso' | 'ymd' | 'mdy' | 'dmy';

export const DATE_FORMAT_EXAMPLES: Record<DateFormat, string> = {
  iso: 'expected a date such as 2024-03-01 or 2024-03-01 14:05:00 -0500',
  ymd: 'expected a date as yyyymmdd such as 19970101',
  mdy: 'expected a date as m/d/yyyy such as 12/1/2010 or 12/1/2010 8:26',
  dmy: 'expected a date as d/m/yyyy such as 1/12/2010 or 1/12/2010 8:26',
};

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?))?)?$/i;
const YMD = /^(\d{4})(\d{2})(\d{2})$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour?: string;
  minute?: string;
  second?: string;
  fraction?: string;
  zone?: string;
}

function partsFor(text: string, format: DateFormat): DateParts | null {
  let match: RegExpExecArray | null;
  switch (format) {
    case 'iso':
      match = ISO.exec(text);
      if (!match) return null;
      return {
        year: +match[1], month: +match[2], day: +match[3],
        hour: match[4], minute: match[5], second: match[6], fraction: match[7], zone: match[8],
      };
    case 'ymd':
      match = YMD.exec(text);
      return match ? { year: +match[1], month: +match[2], day: +match[3] } : null;
    case 'mdy':
    case 'dmy': {
      match = SLASHED.exec(text);
      if (!match) return null;
      const [first, second] = [+match[1], +match[2]];
      return {
        year: +match[3],
        month: format === 'mdy' ? first : second,
        day: format === 'mdy' ? second : first,
        hour: match[4], minute: match[5], second: match[6],
      };
    }
  }
}

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || /^(z|utc)$/i.test(zone)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!match) return null;
  const hours = +match[2];
  const minutes = match[3] === undefined ? 0 : +match[3];
  if (hours > 14 || minutes > 59) return null;
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The date in `format`, or null when the text is not one; times without a zone are UTC. */
export function tryParseDate(text: string, format: DateFormat): Date | null {
  const parts = partsFor(text, format);
  if (!parts) return null;
  const { year, month, day } = parts;
  const hour = parts.hour === undefined ? 0 : +parts.hour;
  const minute = parts.minute === undefined ? 0 : +parts.minute;
  const second = parts.second === undefined ? 0 : +parts.second;
  const millis = parts.fraction === undefined ? 0 : Math.floor(+`0.${parts.fraction}` * 1000);
  if (year < 1000 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  const offset = zoneOffsetMinutes(parts.zone);
  if (offset === null) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000);
}

export function parseDate(text: string, format: DateFormat): Date {
  const date = tryParseDate(text, format);
  if (date === null) throw new FieldError(`${DATE_FORMAT_EXAMPLES[format]}, got ${shown(text)}`);
  return date;
}

/**
 * Guesses the format from one value (the first of a column): ISO, yyyymmdd, or slashes (month first unless
 * `slashes` says 'dmy'). Null when the value fits none.
 */
export function detectDateFormat(text: string, slashes: 'mdy' | 'dmy' = 'mdy'): DateFormat | null {
  if (tryParseDate(text, 'iso')) return 'iso';
  if (tryParseDate(text, 'ymd')) return 'ymd';
  if (SLASHED.test(text)) {
    if (tryParseDate(text, slashes)) return slashes;
    const other = slashes === 'mdy' ? 'dmy' : 'mdy';
    if (tryParseDate(text, other)) return other;
  }
  return null;
}
