/**
 * Splits a byte stream into JSON Lines without holding more than one line (plus one chunk) in memory: a
 * bulk operation's file can be gigabytes. Works on any async iterable of bytes (a fetch body, a file).
 */
export async function* textLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    let start = 0;
    let end: number;
    while ((end = text.indexOf('\n', start)) >= 0) {
      const line = text.slice(start, end).trim();
      start = end + 1;
      if (line) yield line;
    }
    rest = text.slice(start);
  }
  rest = (rest + decoder.decode()).trim();
  if (rest) yield rest;
}

export async function* jsonLines<T = unknown>(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<T> {
  let lineNo = 0;
  for await (const line of textLines(chunks)) yield parseJsonLine<T>(line, ++lineNo);
}

export function parseJsonLine<T>(line: string, lineNo: number): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`line ${lineNo} of the bulk operation's file is not JSON: ${line.slice(0, 80)}`);
  }
}

const PARENT_MARK = '"__parentId":"';

/**
 * The object id and parent id of a bulk line, without parsing it: the id comes first in every selection,
 * and `"__parentId":"` cannot occur inside a JSON string (its quotes would be escaped). Falls back to a
 * parse when the line is laid out otherwise.
 */
export function lineIds(line: string): { id: string; parentId: string | null } {
  const mark = line.lastIndexOf(PARENT_MARK);
  const parentId = mark >= 0 ? line.slice(mark + PARENT_MARK.length, line.indexOf('"', mark + PARENT_MARK.length)) : null;
  if (line.startsWith('{"id":"')) return { id: line.slice(7, line.indexOf('"', 7)), parentId };
  const parsed = JSON.parse(line) as { id?: string; __parentId?: string };
  return { id: parsed.id ?? '', parentId: parsed.__parentId ?? null };
}
