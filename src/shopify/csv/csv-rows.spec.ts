import { detectDelimiter, readCsvRows, type CsvRow } from './csv-rows';
import { CsvImportError } from './errors';
import { textStream } from './testing';

async function rows(text: string, chunkSize = 3): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const row of readCsvRows(textStream(text, chunkSize), 'f.csv')) out.push(row);
  return out;
}

async function failure(text: string): Promise<CsvImportError> {
  try {
    await rows(text);
  } catch (error) {
    if (error instanceof CsvImportError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('readCsvRows', () => {
  it('numbers physical lines across quoted newlines (LF, CRLF, CR), blank lines and a BOM', async () => {
    const text = '\ufeffa,b\r\n1,"x\r\ny,z"\r\n\r\n3,4\r\n\r\n\r\n5,"q\nr\rs"\r\n6,"=cmd|\' /C calc\'!A0"';
    expect(await rows(text)).toEqual([
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['1', 'x\r\ny,z'] },
      { line: 5, values: ['3', '4'] },
      { line: 8, values: ['5', 'q\nr\rs'] },
      { line: 11, values: ['6', "=cmd|' /C calc'!A0"] },
    ]);
  });

  it('gives the same rows whatever the chunk boundaries', async () => {
    const text = 'a;b\n"é;1";"ü\n2"\n3;4\n';
    const expected = [
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['é;1', 'ü\n2'] },
      { line: 4, values: ['3', '4'] },
    ];
    for (const size of [1, 2, 5, 1000]) expect(await rows(text, size)).toEqual(expected);
  });

  it('reports an unclosed quote at the line its record starts, even after quoted CRLFs', async () => {
    const error = await failure('a,b\r\n1,"x\r\ny"\r\n\r\n2,"never closed\r\n3,4\r\n');
    expect([error.line, error.column, error.reason]).toEqual([5, null, 'a quoted field that starts in this record is never closed']);
  });

  it('keeps stray quotes as data, as spreadsheets do', async () => {
    expect((await rows('a,b\n12" pizza,"bad"quote\n')).slice(1)).toEqual([{ line: 2, values: ['12" pizza', '"bad"quote'] }]);
  });

  it('detects the delimiter from the header line', () => {
    expect(detectDelimiter('a,b,c\n1;2;3;4;5')).toBe(',');
    expect(detectDelimiter('a;b;"c,d,e"\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('readCsvRows resources', () => {
  it('closes the input when the reader stops early', async () => {
    const { Readable } = await import('node:stream');
    const endless = Readable.from(
      (function* () {
        yield 'a,b\n';
        for (let i = 0; ; i++) yield `${i},x\n`;
      })(),
    );
    for await (const row of readCsvRows(endless, 'endless.csv')) if (row.line >= 3) break;
    for (let i = 0; i < 20 && !endless.destroyed; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(endless.destroyed).toBe(true);
  });

  it('passes input errors through', async () => {
    const { createReadStream } = await import('node:fs');
    await expect(rowsOf(createReadStream('/nonexistent/orders.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

async function rowsOf(input: NodeJS.ReadableStream): Promise<number> {
  let count = 0;
  for await (const row of readCsvRows(input, 'f.csv')) count += row.values.length > 0 ? 1 : 0;
  return count;
}
