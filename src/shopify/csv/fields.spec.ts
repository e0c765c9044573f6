import { FieldError } from './errors';
import {
  detectDateFormat,
  parseConsent,
  parseDate,
  parseFinancialStatus,
  parseMoney,
  parseNumber,
  roundCents,
  tryParseDate,
} from './fields';

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof FieldError) return error.reason;
    throw error;
  }
  throw new Error('no FieldError');
}

describe('CSV field parsers', () => {
  it('parses numbers strictly, with a decimal comma only when allowed', () => {
    expect(parseNumber('12.50')).toBe(12.5);
    expect(parseNumber('-3')).toBe(-3);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('12,50', { decimalComma: true })).toBe(12.5);
    expect(reason(() => parseNumber('12,50'))).toBe("expected a number, got '12,50'");
    expect(reason(() => parseNumber('1e3'))).toBe("expected a number, got '1e3'");
    expect(reason(() => parseNumber('$5'))).toBe("expected a number, got '$5'");
    expect(reason(() => parseMoney('-0.01'))).toBe("expected an amount of zero or more, got '-0.01'");
  });

  it('rounds to cents half away from zero without binary noise', () => {
    expect(roundCents(1.005)).toBe(1.01);
    expect(roundCents(2.675)).toBe(2.68);
    expect(roundCents(6 * 2.55)).toBe(15.3);
    expect(roundCents(-1.005)).toBe(-1.01);
    expect(Object.is(roundCents(-0.001), 0)).toBe(true);
  });

  it('parses ISO dates with and without zones (no zone = UTC)', () => {
    expect(parseDate('2024-03-01', 'iso')).toEqual(new Date('2024-03-01T00:00:00Z'));
    expect(parseDate('2024-03-01T14:05:00Z', 'iso')).toEqual(new Date('2024-03-01T14:05:00Z'));
    expect(parseDate('2024-03-01 14:05:00 -0500', 'iso')).toEqual(new Date('2024-03-01T19:05:00Z'));
    expect(parseDate('2024-03-01 14:05:00 +05:30', 'iso')).toEqual(new Date('2024-03-01T08:35:00Z'));
    expect(parseDate('2024-03-01 14:05', 'iso')).toEqual(new Date('2024-03-01T14:05:00Z'));
    expect(parseDate('2024-03-01T14:05:00.123Z', 'iso')).toEqual(new Date('2024-03-01T14:05:00.123Z'));
    expect(parseDate('2024-02-29', 'iso')).toEqual(new Date('2024-02-29T00:00:00Z'));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-03-01 24:00:00', '2024-03-01 -0500', '01.03.2024', '2024-3-1']) {
      expect(reason(() => parseDate(bad, 'iso'))).toBe(`expected a date such as 2024-03-01 or 2024-03-01 14:05:00 -0500, got '${bad}'`);
    }
  });

  it('parses yyyymmdd and slashed dates in either order', () => {
    expect(parseDate('19970101', 'ymd')).toEqual(new Date('1997-01-01T00:00:00Z'));
    expect(parseDate('12/1/2010 8:26', 'mdy')).toEqual(new Date('2010-12-01T08:26:00Z'));
    expect(parseDate('12/1/2010 8:26', 'dmy')).toEqual(new Date('2010-01-12T08:26:00Z'));
    expect(parseDate('31/12/2010', 'dmy')).toEqual(new Date('2010-12-31T00:00:00Z'));
    expect(tryParseDate('31/12/2010', 'mdy')).toBeNull();
    expect(tryParseDate('19971301', 'ymd')).toBeNull();
  });

  it('detects a column’s date format from one value', () => {
    expect(detectDateFormat('2024-03-01 14:05:00 -0500')).toBe('iso');
    expect(detectDateFormat('19970101')).toBe('ymd');
    expect(detectDateFormat('12/1/2010 8:26')).toBe('mdy');
    expect(detectDateFormat('12/1/2010', 'dmy')).toBe('dmy');
    expect(detectDateFormat('31/12/2010')).toBe('dmy'); // cannot be month first
    expect(detectDateFormat('yesterday')).toBeNull();
  });

  it('reads statuses and consents as Shopify writes them', () => {
    expect(parseFinancialStatus('Partially Refunded')).toBe('partially_refunded');
    expect(parseFinancialStatus('paid')).toBe('paid');
    expect(reason(() => parseFinancialStatus('foo'))).toBe(
      "unknown financial status 'foo' (expected one of pending, authorized, paid, partially_paid, partially_refunded, refunded, voided, expired)",
    );
    expect(parseConsent('yes')).toBe('subscribed');
    expect(parseConsent('No')).toBe('not_subscribed');
    expect(parseConsent('')).toBe('not_subscribed');
    expect(parseConsent('unsubscribed')).toBe('unsubscribed');
  });
});
