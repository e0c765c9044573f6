/** Streaming readers of Shopify's CSV exports and of generic orders CSVs, yielding store records in batches. */
export { CsvImportError, createImportStats, type CsvImportStats, type CsvReadOptions } from './errors';
export { readShopifyCustomersCsv } from './customers-export';
export { readShopifyOrdersCsv } from './orders-export';
export { readMappedOrdersCsv, type MappedOrdersOptions } from './mapped-orders';
export { parseColumnMapping, validateColumnMapping, ColumnMappingError, MAPPING_KEYS, type OrderColumnMapping } from './column-mapping';
export type { DateFormat } from './fields';
