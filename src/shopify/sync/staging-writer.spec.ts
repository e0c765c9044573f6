import { testDatabaseTargets, type TestDatabase } from '../../../test/support/test-databases';
import { StagingWriter, type StagedType, type StagedValue } from './staging-writer';

const TYPES: StagedType[] = ['bigint', 'text', 'int', 'numeric', 'timestamptz'];

describe.each(testDatabaseTargets())('StagingWriter on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  it('stages text that COPY would misread (tabs, newlines, backslashes, a literal \\N) and nulls exactly', async () => {
    const rows: StagedValue[][] = [
      [1, 'Tee\tshirt', 2, 19.99, '2026-11-20T10:00:00.000Z'],
      [2, 'line one\nline two\r\n', 0, 0.1, null],
      [3, 'C:\\path\\N', null, 1234567.5, '2016-11-20T00:00:00.000Z'],
      [4, '\\N', -1, -3, '2026-01-01T23:59:59.000Z'],
      [5, null, 7, null, '2026-06-15T12:30:00.000Z'],
      [6, 'Crème brûlée 🍮 "quoted"', 1, 2.5, '2026-06-15T12:30:00.000Z'],
    ];
    const staged = await test.database.dataSource.transaction(async (manager) => {
      await manager.query(`CREATE TEMP TABLE stage_test (seq bigint, label text, qty int, amount numeric, at timestamptz) ON COMMIT DROP`);
      const writer = await StagingWriter.open(manager);
      expect(writer.usesCopy).toBe(target.name === 'postgres');
      await writer.write('stage_test', TYPES, rows.slice(0, 3));
      await writer.write('stage_test', TYPES, []);
      await writer.write('stage_test', TYPES, rows.slice(3));
      return manager.query(`SELECT seq::int, label, qty, amount::float8 AS amount, at FROM stage_test ORDER BY seq`);
    });
    expect(staged.map((r: { seq: number; label: string | null; qty: number | null; amount: number | null; at: Date | null }) => [
      r.seq, r.label, r.qty, r.amount, r.at ? r.at.toISOString() : null,
    ])).toEqual(rows);
  });
});
