import { SegmentQueryError } from './errors';
import { tokenize } from './lexer';

function kinds(query: string): string[] {
  return tokenize(query).map((t) => `${t.type}:${t.value}@${t.position}`);
}

function lexError(query: string): SegmentQueryError {
  try {
    tokenize(query);
  } catch (error) {
    if (error instanceof SegmentQueryError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`);
}

describe('tokenize', () => {
  it('reads words (upper-cased values), operators and parentheses, with positions', () => {
    expect(kinds('(aov>=5)and Not x!=1')).toEqual([
      '(:(@0',
      'word:AOV@1',
      'operator:>=@4',
      'number:5@6',
      '):)@7',
      'word:AND@8',
      'word:NOT@12',
      'word:X@16',
      'operator:!=@17',
      'number:1@19',
      'end:@20',
    ]);
  });

  it('reads every comparison operator', () => {
    expect(tokenize('= != > >= < <=').map((t) => t.text)).toEqual(['=', '!=', '>', '>=', '<', '<=', '']);
  });

  it("unescapes '' inside strings and keeps everything else verbatim", () => {
    const [token] = tokenize("'it''s a \"tag\"\n; DROP TABLE x; --'");
    expect(token).toMatchObject({ type: 'string', value: 'it\'s a "tag"\n; DROP TABLE x; --', position: 0 });
    expect(tokenize("''")[0]).toMatchObject({ type: 'string', value: '' });
    expect(tokenize("''''")[0]).toMatchObject({ type: 'string', value: "'" });
  });

  it('reads numbers, dates and relative dates (unit case-insensitive, normalised)', () => {
    expect(kinds('500 19.99 -5 0.000001 2025-01-31 -30d -4W -6m -2Y')).toEqual([
      'number:500@0',
      'number:19.99@4',
      'number:-5@10',
      'number:0.000001@13',
      'date:2025-01-31@22',
      'relative_date:-30d@33',
      'relative_date:-4w@38',
      'relative_date:-6m@42',
      'relative_date:-2y@46',
      'end:@49',
    ]);
  });

  it('accepts 29 February only in leap years', () => {
    expect(tokenize('2024-02-29')[0].type).toBe('date');
    expect(lexError('2025-02-29').message).toBe("at 0: invalid date '2025-02-29': no such day (dates are written YYYY-MM-DD)");
    expect(lexError('x = 2025-13-01').position).toBe(4);
    expect(lexError('0000-01-01').message).toContain('no such day');
    expect(tokenize('1900-01-01 2999-12-31').map((t) => t.type)).toEqual(['date', 'date', 'end']);
    expect(lexError('3000-01-01').message).toBe("at 0: date '3000-01-01' is out of range: dates are from 1900-01-01 to 2999-12-31");
    expect(lexError('1899-12-31').kind).toBe('syntax');
  });

  it('refuses relative dates beyond about 100 years', () => {
    expect(tokenize('-100y -1200m -5218w -36525d').map((t) => t.type)).toEqual([
      'relative_date',
      'relative_date',
      'relative_date',
      'relative_date',
      'end',
    ]);
    expect(lexError('x < -101y').message).toBe("at 4: relative date '-101y' reaches too far back: at most 100 years");
    expect(lexError('-36526d').message).toBe("at 0: relative date '-36526d' reaches too far back: at most 36525 days");
    expect(lexError(`-${'9'.repeat(500)}d`).kind).toBe('syntax');
  });

  it('refuses numbers with more than 15 significant digits or 6 decimals', () => {
    expect(tokenize('123456789012345 0.123456 000000000000000000001')[2].type).toBe('number');
    expect(lexError('1234567890123456').message).toBe(
      "at 0: number '1234567890123456' has too many digits: at most 15 significant digits and 6 decimals",
    );
    expect(lexError('0.1234567').kind).toBe('syntax');
  });

  it('refuses glued or malformed values', () => {
    const message = (q: string) => lexError(q).message;
    expect(message('aov > 5abc')).toBe(
      "at 6: malformed value '5abc': expected a number (100, 19.99), a date (2025-01-31) or a relative date (-30d, -4w, -6m, -2y)",
    );
    expect(message('1.2.3')).toContain("malformed value '1.2.3'");
    expect(message('-30x')).toContain("malformed value '-30x'");
    expect(message('2025-1-31')).toContain("malformed value '2025-1-31'");
    expect(message('aov > - 5')).toBe("at 6: unexpected character '-': a relative date is written like -30d, -4w, -6m or -2y");
  });

  it('refuses unterminated strings at the opening quote', () => {
    const error = lexError("tags CONTAINS 'vip");
    expect(error.message).toBe('at 14: unterminated string: the closing single quote is missing');
    expect(error.token).toBe("'vip");
    expect(lexError("x = 'it''s").position).toBe(4);
  });

  it('refuses unexpected characters, with hints and escaped control characters', () => {
    expect(lexError('x = "FR"').message).toBe(`at 4: unexpected character '"' (strings are written in single quotes)`);
    expect(lexError('x ! 3').message).toBe("at 2: unexpected character '!' (did you mean '!='?)");
    expect(lexError('x \u0000').message).toBe("at 2: unexpected character '\\u0000'");
    expect(lexError('x ;').message).toBe("at 2: unexpected character ';'");
    // A character outside the BMP is shown whole; the position stays a UTF-16 offset.
    expect(lexError('é').message).toBe("at 0: unexpected character 'é'");
    expect(lexError('aov 😀').message).toBe("at 4: unexpected character '😀'");
    expect(lexError('aov \u202e').message).toBe("at 4: unexpected character '\\u202e'");
    expect(lexError('aov \ud800').message).toBe("at 4: unexpected character '\\ud800'");
  });

  it('treats tab, carriage return and newline as whitespace', () => {
    expect(tokenize('\taov\r\n>\n1').map((t) => t.type)).toEqual(['word', 'operator', 'number', 'end']);
  });
});
