/**
 * Which column of a generic orders CSV holds what, written `key=Column,key=Column`, for instance
 * `customer=CustomerID,date=InvoiceDate,quantity=Quantity,price=UnitPrice,order=InvoiceNo` (UCI Online
 * Retail) or `customer=customer,date=date,quantity=cds,amount=dollars` (CDNOW).
 *
 * Needs customer and date, and either amount or both quantity and price. Column names are trimmed and may
 * contain spaces (`date=Invoice Date`) but not commas or `=`.
 */

export interface OrderColumnMapping {
  customer: string;
  date: string;
  order?: string;
  amount?: string;
  quantity?: string;
  price?: string;
  email?: string;
  country?: string;
  status?: string;
  refunded?: string;
  discountCode?: string;
  category?: string;
  product?: string;
  currency?: string;
}

export const MAPPING_KEYS = [
  'customer',
  'date',
  'order',
  'amount',
  'quantity',
  'price',
  'email',
  'country',
  'status',
  'refunded',
  'discountCode',
  'category',
  'product',
  'currency',
] as const satisfies readonly (keyof OrderColumnMapping)[];

export class ColumnMappingError extends Error {
  constructor(
    /** The offending key, or null when the problem is the mapping as a whole. */
    readonly key: string | null,
    readonly reason: string,
  ) {
    super(key === null ? `column mapping: ${reason}` : `column mapping: key '${key}': ${reason}`);
    this.name = 'ColumnMappingError';
  }
}

export function parseColumnMapping(spec: string): OrderColumnMapping {
  const found: Partial<Record<keyof OrderColumnMapping, string>> = {};
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    if (equals < 0) throw new ColumnMappingError(part.trim(), `expected key=Column, got '${part.trim()}'`);
    const key = part.slice(0, equals).trim();
    const column = part.slice(equals + 1).trim();
    if (!(MAPPING_KEYS as readonly string[]).includes(key)) {
      throw new ColumnMappingError(key, `unknown key (expected one of ${MAPPING_KEYS.join(', ')})`);
    }
    if (column === '') throw new ColumnMappingError(key, 'no column name after =');
    if (column.includes('=')) throw new ColumnMappingError(key, `column name '${column}' contains '='`);
    const typed = key as keyof OrderColumnMapping;
    if (found[typed] !== undefined) throw new ColumnMappingError(key, 'given twice');
    found[typed] = column;
  }
  return validateColumnMapping(found);
}

/** Checks a mapping built in code the same way as a parsed one. */
export function validateColumnMapping(mapping: Partial<OrderColumnMapping>): OrderColumnMapping {
  for (const key of ['customer', 'date'] as const) {
    if (!mapping[key]) throw new ColumnMappingError(key, 'required (the column with the ' + (key === 'customer' ? "customer's id" : 'order date') + ')');
  }
  if (!mapping.amount) {
    if (!mapping.quantity && !mapping.price) {
      throw new ColumnMappingError('amount', 'required, or both quantity and price (amount = quantity x price)');
    }
    if (!mapping.quantity) throw new ColumnMappingError('quantity', 'required with price when there is no amount');
    if (!mapping.price) throw new ColumnMappingError('price', 'required with quantity when there is no amount');
  }
  return mapping as OrderColumnMapping;
}
