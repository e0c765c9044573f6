import { jsonLines, lineIds, textLines } from './jsonl';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('JSON Lines from a byte stream', () => {
  it('splits lines across chunk boundaries, skips blank lines and takes a last line without a newline', async () => {
    expect(await all(textLines(chunks('{"a":1}\n{"b"', ':2}\n\n{"c":', '3}')))).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a multi-byte character that a chunk boundary cuts in two', async () => {
    const bytes = new TextEncoder().encode('{"t":"Lumière"}\n');
    const cut = bytes.indexOf(0xa8); // second byte of è
    expect(await all(jsonLines(chunks(bytes.slice(0, cut), bytes.slice(cut))))).toEqual([{ t: 'Lumière' }]);
  });

  it('names the line that is not JSON', async () => {
    await expect(all(jsonLines(chunks('{"a":1}\n{oops}\n')))).rejects.toThrow("line 2 of the bulk operation's file is not JSON: {oops}");
  });
});

describe('lineIds: a bulk line’s id and parent without parsing it', () => {
  it('reads a parent and a child', () => {
    expect(lineIds('{"id":"gid://shopify/Order/1","name":"#1"}')).toEqual({ id: 'gid://shopify/Order/1', parentId: null });
    expect(lineIds('{"id":"gid://shopify/LineItem/9","title":"x","__parentId":"gid://shopify/Order/1"}')).toEqual({
      id: 'gid://shopify/LineItem/9',
      parentId: 'gid://shopify/Order/1',
    });
  });

  it('is not fooled by the marker inside a string value, nor by another field order', () => {
    expect(lineIds('{"id":"gid://shopify/LineItem/9","title":"a \\"__parentId\\":\\"x\\""}')).toEqual({
      id: 'gid://shopify/LineItem/9',
      parentId: null,
    });
    expect(lineIds('{"title":"x","id":"gid://shopify/LineItem/9","__parentId":"gid://shopify/Order/1"}')).toEqual({
      id: 'gid://shopify/LineItem/9',
      parentId: 'gid://shopify/Order/1',
    });
  });
});
