/**
 * The one error a segment query can produce. Whatever the input (typos, hostile text, a 100k-character
 * paste), the lexer, parser and compiler throw only this, so callers can show `message` to the marketer
 * and point at `position`. Other exceptions mean a bug or a programming error of the caller (bad options).
 */

/**
 *   syntax             the text does not follow the grammar (unexpected character, missing value, ...)
 *   unknown_attribute  a name that is not one of the attributes
 *   type               a well-formed condition that makes no sense (customer_tags > 3, rfm_group = 'vip')
 *   limit              the query is too long, too deeply nested or has too many conditions
 *   unavailable        a real attribute for which the caller supplied no column (its data is not there)
 */
export type SegmentQueryErrorKind = 'syntax' | 'unknown_attribute' | 'type' | 'limit' | 'unavailable';

export class SegmentQueryError extends Error {
  override readonly name = 'SegmentQueryError';
  /** 1-based line and column of `position`; lines end at '\n'. */
  readonly line: number;
  readonly column: number;

  constructor(
    readonly kind: SegmentQueryErrorKind,
    /** 0-based offset in the query (UTF-16 code units, as JavaScript indexes strings). */
    readonly position: number,
    /** Source text of the offending token; '' at the end of the query. */
    readonly token: string,
    /** What went wrong and what was expected, without the position prefix. */
    readonly detail: string,
    /** The query, to turn the offset into line and column; absent when compiling a bare AST. */
    query?: string,
  ) {
    const { line, column } = lineAndColumn(query ?? '', position);
    // Line and column only help when there is more than one line; one-line queries stay short.
    const multiLine = query !== undefined && query.includes('\n');
    const where = multiLine ? `${position} (line ${line}, column ${column})` : `${position}`;
    super(`at ${where}: ${detail}`);
    this.line = line;
    this.column = column;
  }
}

function lineAndColumn(query: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, query.length);
  for (let i = 0; i < end; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

const MAX_SHOWN = 40;

/**
 * Characters escaped in messages: controls, line and paragraph separators, zero-width and bidirectional
 * formatting characters, byte order mark, lone surrogates. Those could garble or disguise a log line or a
 * terminal; everything else (accents, emoji) is shown as typed.
 */
const UNSAFE_IN_MESSAGES =
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A token as it appears in a message: quoted, cut to a readable length, unsafe characters as \u0000. */
export function showToken(text: string): string {
  const cut = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  const escaped = cut.replace(UNSAFE_IN_MESSAGES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal string
 * alignment), for "did you mean" hints: 'ADN' is one swap from 'AND'. Bounded: long words are not
 * compared (nobody misspells an attribute by 40 characters), so hostile input cannot make this expensive.
 */
export function editDistance(a: string, b: string): number {
  if (a.length > MAX_SHOWN || b.length > MAX_SHOWN) return Infinity;
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        d[i].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i].push(best);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within a third of the word's length (at least 1, at most 3 edits), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const allowed = Math.min(3, Math.max(1, Math.floor(lower.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}
