/** The fake's search syntax and its cost arithmetic, without a server. */
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { queryCost } from './query-cost';
import { adminSchema } from './schema';
import { parseSearch } from './search-query';
import { CustomerState, OrderState } from './state';

const at = (iso: string) => Date.parse(iso);
const order = (id: string, updated: string, cancelled: string | null = null) =>
  new OrderState(id, `#${id}`, '1', 'a@example.com', at('2026-01-01T00:00:00Z'), at(updated), cancelled ? at(cancelled) : null, 'paid', 'USD', 10, 0, 10, 0, null, [], 'US', []);

describe('fake Shopify search syntax', () => {
  const a = order('5', '2026-03-01T10:00:00Z');
  const b = order('12', '2026-03-01T10:00:01Z', '2026-03-02T00:00:00Z');

  it('compares dates, ids and statuses, terms joined by spaces or AND', () => {
    const ids = (q: string) => [a, b].filter((o) => parseSearch(q).matches(o)).map((o) => o.id);
    expect(ids("updated_at:>'2026-03-01T10:00:00Z'")).toEqual(['12']);
    expect(ids("updated_at:>='2026-03-01T10:00:00Z'")).toEqual(['5', '12']);
    expect(ids('updated_at:<2026-03-01T10:00:01Z')).toEqual(['5']);
    expect(ids('id:>9 AND status:any')).toEqual(['12']); // numeric, not text, order
    expect(ids('status:cancelled')).toEqual(['12']);
    expect(ids('status:open updated_at:>=2026-01-01')).toEqual(['5']);
    expect(parseSearch("updated_at:>='2026-03-01T10:00:00Z'").lowerBound).toEqual({ field: 'updatedAt', value: at('2026-03-01T10:00:00Z'), inclusive: true });
  });

  it('fails loudly on what it does not support instead of ignoring it', () => {
    expect(() => parseSearch('tag:vip')).toThrow('The fake Shopify does not support the search field "tag" in a search query');
    expect(() => parseSearch("updated_at:>'yesterday'")).toThrow('date "yesterday"');
    expect(() => parseSearch('vip OR loyal').matches(new CustomerState('1', null, null, null, null, [], null, null, 'subscribed', 'subscribed', 0, 0))).toThrow();
  });
});

describe('fake Shopify query cost', () => {
  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    return queryCost(adminSchema(), operation, new Map(), variables);
  };

  it("follows Shopify's published method: objects 1, connections 2 + size × node, scalars 0, mutations 10", () => {
    expect(cost('{ shop { name } }')).toBe(1);
    expect(cost('{ customers(first: 10) { nodes { id email } } }')).toBe(2 + 10 * 1);
    expect(cost('{ customers(first: 10) { edges { node { id defaultAddress { countryCodeV2 } } } pageInfo { hasNextPage } } }')).toBe(2 + 10 * 2);
    expect(cost('query Q($n: Int) { orders(first: $n) { nodes { totalPriceSet { shopMoney { amount } } lineItems(first: 5) { nodes { id } } } } }', { n: 4 }))
      .toBe(2 + 4 * (1 + 2 + (2 + 5 * 1)));
    expect(cost('mutation { webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1") { deletedWebhookSubscriptionId } }')).toBe(10);
  });
});
