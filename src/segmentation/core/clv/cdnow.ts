/**
 * Parsers for the text of the CDNOW reference files (../shared/data/cdnow, see its README), on which the
 * models are checked against their published results. Text in, records out: reading the files is the
 * caller's business, so this stays pure like the rest of the core.
 */
import type { Transaction } from './summary';

export interface CdnowSummaryRow {
  id: string;
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

/**
 * CDNOW_sample.txt: fixed width `master_id sample_id yyyymmdd number_of_cds dollar_value`, no header.
 * The customer is the sample_id, the id the published summary uses.
 */
export function parseCdnowTransactions(text: string): Transaction[] {
  const transactions: Transaction[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.trim().split(/\s+/);
    const [, sampleId, yyyymmdd, , dollars] = fields;
    if (fields.length !== 5 || !/^\d{8}$/.test(yyyymmdd)) {
      throw new RangeError(`CDNOW line ${index + 1} is not "master sample yyyymmdd cds dollars": ${line}`);
    }
    const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6)].map(Number);
    const at = new Date(Date.UTC(year, month - 1, day));
    transactions.push({ customerId: String(Number(sampleId)), at, amount: Number(dollars) });
  });
  return transactions;
}

/** cdnow_customers_summary_with_transactions.csv: header `ID,x,t_x,T,zbar`, CRLF line ends. */
export function parseCdnowSummary(text: string): CdnowSummaryRow[] {
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (header.trim() !== 'ID,x,t_x,T,zbar') throw new RangeError(`unexpected CDNOW summary header: ${header}`);
  return lines.map((line) => {
    const [id, x, tx, T, zbar] = line.split(',');
    return { id, x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) };
  });
}
