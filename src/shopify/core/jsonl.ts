/**
 * Splits a byte stream into JSON Lines without holding more than one line (plus one chunk) in memory: a
 * bulk operation's file can be gigabytes. Works on any async iterable of bytes (a fetch body, a file).
 */
export async function* jsonLines<T = unknown>(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<T> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let lineNo = 0;
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    let start = 0;
    let end: number;
    while ((end = text.indexOf('\n', start)) >= 0) {
      lineNo++;
      const line = text.slice(start, end).trim();
      start = end + 1;
      if (line) yield parseLine<T>(line, lineNo);
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.trim()) yield parseLine<T>(rest.trim(), lineNo + 1);
}

function parseLine<T>(line: string, lineNo: number): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`line ${lineNo} of the bulk operation's file is not JSON: ${line.slice(0, 80)}`);
  }
}
