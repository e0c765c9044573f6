/**
 * Shopify's customers export (Customers → Export → CSV), one row per customer.
 *
 * Columns read (header names matched trimmed and case-insensitively; older exports' spellings accepted):
 *   Customer ID                    → customerId, Excel's leading apostrophe stripped; must be numeric. Older
 *                                     exports have no such column: the key is then `email:<lower-cased email>`.
 *   Email (required column)        → email, lower-cased
 *   First Name, Last Name          → firstName, lastName
 *   Phone, else Default Address Phone → phone (apostrophe stripped)
 *   Default Address Country Code | Country Code     → country (2-letter ISO, upper-cased)
 *   Default Address Province Code | Province Code   → province
 *   Accepts Email Marketing | Accepts Marketing     → emailConsent: yes → subscribed, no/empty → not_subscribed
 *   Accepts SMS Marketing                           → smsConsent, same rule
 *   Tags                           → tags (comma separated)
 * Checked but not kept: Total Spent (amount), Total Orders (whole number), Tax Exempt (yes/no). The export has
 * no creation date nor time zone: createdAt and timezone are null.
 */
import type { CustomerRecord } from '../../store/store-records';
import { createImportStats, FieldError, type CsvReadOptions } from './errors';
import {
  parseConsent,
  parseCountryCode,
  parseEmail,
  parseMoney,
  parseWholeNumber,
  parseYesNo,
  shown,
  splitList,
  stripApostrophe,
} from './fields';
import { batchSizeOf, Header, inBatches, readCsvRows, RowCells } from './csv-rows';

export async function* readShopifyCustomersCsv(
  input: NodeJS.ReadableStream,
  file: string,
  options?: CsvReadOptions,
): AsyncGenerator<CustomerRecord[]> {
  const size = batchSizeOf(options);
  yield* inBatches(customers(input, file, options), size, options?.stats);
}

async function* customers(input: NodeJS.ReadableStream, file: string, options?: CsvReadOptions): AsyncGenerator<CustomerRecord> {
  const stats = options?.stats ?? createImportStats();
  const rows = readCsvRows(input, file);
  const first = await rows.next();
  if (first.done) return;
  const header = new Header(file, first.value);
  const col = {
    id: header.find('Customer ID'),
    email: header.require('Email'),
    firstName: header.find('First Name'),
    lastName: header.find('Last Name'),
    phone: header.find('Phone'),
    addressPhone: header.find('Default Address Phone'),
    country: header.find('Default Address Country Code', 'Country Code'),
    province: header.find('Default Address Province Code', 'Province Code'),
    emailConsent: header.find('Accepts Email Marketing', 'Accepts Marketing'),
    smsConsent: header.find('Accepts SMS Marketing'),
    tags: header.find('Tags'),
    totalSpent: header.find('Total Spent'),
    totalOrders: header.find('Total Orders'),
    taxExempt: header.find('Tax Exempt'),
  };

  for await (const row of rows) {
    stats.rows++;
    const cells = new RowCells(file, row);
    const email = cells.parsed(col.email, parseEmail, null);
    let customerId: string;
    if (col.id) {
      customerId = cells.required(col.id, parseCustomerId);
    } else {
      if (email === null) cells.fail(col.email, "missing value (without a 'Customer ID' column the email is the key)");
      customerId = `email:${email}`;
    }
    cells.parsed(col.totalSpent, parseMoney, null);
    cells.parsed(col.totalOrders, parseWholeNumber, null);
    cells.parsed(col.taxExempt, parseYesNo, null);
    const phone = cells.optional(col.phone) ?? cells.optional(col.addressPhone);
    yield {
      customerId,
      email,
      phone: phone === null ? null : stripApostrophe(phone) || null,
      firstName: cells.optional(col.firstName),
      lastName: cells.optional(col.lastName),
      country: cells.parsed(col.country, parseCountryCode, null),
      province: cells.optional(col.province),
      timezone: null,
      tags: splitList(cells.text(col.tags)),
      emailConsent: cells.parsed(col.emailConsent, parseConsent, 'not_subscribed'),
      smsConsent: cells.parsed(col.smsConsent, parseConsent, 'not_subscribed'),
      createdAt: null,
    };
  }
}

function parseCustomerId(text: string): string {
  const id = stripApostrophe(text);
  if (!/^\d+$/.test(id)) throw new FieldError(`expected a numeric Shopify customer id, got ${shown(text)}`);
  return id;
}
