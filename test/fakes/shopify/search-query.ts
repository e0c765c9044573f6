/**
 * The subset of Shopify's search syntax (the `query:` argument of connections) the fake understands:
 * terms joined by spaces or AND (all must hold), `field:value`, `field:>value`, `>=`, `<`, `<=`, values bare
 * or quoted ('…' or "…"). Fields: updated_at, created_at (ISO date-times; a date without a zone is UTC, where
 * Shopify would use the shop's zone), id (numeric, with comparisons), email, status (orders: any, open,
 * closed, cancelled), financial_status, customer_id. Anything else fails loudly: a filter the fake silently
 * ignored would make a test pass for the wrong reason.
 */
import { GraphQLError } from 'graphql';
import { compareIds, type Resource } from './state';

type Comparator = ':' | ':>' | ':>=' | ':<' | ':<=';

export interface SearchFilter {
  matches(item: Resource): boolean;
  /** A lower bound on updatedAt or createdAt, to start a sorted scan there. */
  lowerBound: { field: 'updatedAt' | 'createdAt'; value: number; inclusive: boolean } | null;
}

const TERM = /^([a-z_]+)(:>=|:<=|:>|:<|:)(?:'([^']*)'|"([^"]*)"|(\S+))$/;
const TOKEN = /(?:[a-z_]+:(?:>=|<=|>|<)?(?:'[^']*'|"[^"]*"|\S+))|\S+/g;

export function parseSearch(query: string | null | undefined): SearchFilter {
  const tests: ((item: Resource) => boolean)[] = [];
  let lowerBound: SearchFilter['lowerBound'] = null;
  for (const token of (query ?? '').match(TOKEN) ?? []) {
    if (token === 'AND') continue;
    const term = TERM.exec(token);
    if (!term) throw unsupported(`term "${token}" (the fake supports field:value terms joined by AND)`);
    const [, field, op, single, double, bare] = term;
    const value = single ?? double ?? bare;
    const comparator = op as Comparator;
    if (field === 'updated_at' || field === 'created_at') {
      const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`);
      if (Number.isNaN(at)) throw unsupported(`date "${value}" in ${token}`);
      const key = field === 'updated_at' ? 'updatedAt' : 'createdAt';
      tests.push((item) => compare(item[key] - at, comparator));
      if (comparator === ':>' || comparator === ':>=') lowerBound = { field: key, value: at, inclusive: comparator === ':>=' };
    } else if (field === 'id') {
      tests.push((item) => compare(compareIds(item.id, value), comparator));
    } else if (field === 'email') {
      tests.push((item) => 'email' in item && (item.email ?? '').toLowerCase() === value.toLowerCase());
    } else if (field === 'customer_id') {
      tests.push((item) => 'customerId' in item && item.customerId === value);
    } else if (field === 'status') {
      if (value === 'any') continue;
      if (!['open', 'closed', 'cancelled'].includes(value)) throw unsupported(`status "${value}"`);
      // The fake's orders are never closed (archived): open = not cancelled.
      tests.push((item) => 'cancelledAt' in item && (value === 'closed' ? false : (value === 'cancelled') === (item.cancelledAt !== null)));
    } else if (field === 'financial_status') {
      tests.push((item) => 'financialStatus' in item && item.financialStatus === value.toLowerCase());
    } else {
      throw unsupported(`search field "${field}"`);
    }
  }
  return { matches: (item) => tests.every((test) => test(item)), lowerBound };
}

function compare(difference: number, comparator: Comparator): boolean {
  switch (comparator) {
    case ':':
      return difference === 0;
    case ':>':
      return difference > 0;
    case ':>=':
      return difference >= 0;
    case ':<':
      return difference < 0;
    case ':<=':
      return difference <= 0;
  }
}

function unsupported(what: string): GraphQLError {
  return new GraphQLError(`The fake Shopify does not support the ${what} in a search query`, {
    extensions: { code: 'FAKE_UNSUPPORTED' },
  });
}
