/**
 * What every resolver sees: the shop's data and settings, the caller's scopes, the moment of the request,
 * and the registries mutations change. Also the shared resolver plumbing (the resolver table type, the
 * typeResolver for interfaces and unions, Shopify's money and time formats, access checks).
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { CheckoutState, CustomerState, LineItemSource, OrderState, type ShopData } from './state';

export interface ShopInfo {
  domain: string;
  name: string;
  currency: string;
  timezone: string;
  email: string;
}

export interface FakeContext {
  data: ShopData;
  shop: ShopInfo;
  scopes: ReadonlySet<string>;
  /** Epoch ms of the request (the fake's clock). */
  now: number;
  /** True while a bulk operation writes its file: nested connections return every element. */
  bulk: boolean;
  /** Base URL of the fake, for URLs it hands out (bulk result files). */
  baseUrl: string;
  /** Registries changed by mutations, typed by their own modules. */
  services: Record<string, unknown>;
}

export type Resolver = (source: any, args: any, ctx: FakeContext, info: GraphQLResolveInfo) => unknown;
export type ResolverTable = Record<string, Record<string, Resolver>>;

/** Several tables into one, type by type. */
export function mergeResolvers(...tables: ResolverTable[]): ResolverTable {
  const merged: ResolverTable = {};
  for (const table of tables) for (const [type, fields] of Object.entries(table)) merged[type] = { ...merged[type], ...fields };
  return merged;
}

const CLASS_TYPES = new Map<unknown, string>([
  [CustomerState, 'Customer'],
  [OrderState, 'Order'],
  [CheckoutState, 'AbandonedCheckout'],
  [LineItemSource, 'LineItem'],
]);

/** The concrete type of a value returned where the schema has an interface or union (node, endpoint). */
export function typeNameOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as { __typename?: string }).__typename ?? CLASS_TYPES.get(value.constructor);
}

/**
 * The resolver of one field: the table's function, else the property of a plain view object. A field the
 * fake does not model is an error naming it (never a silent null a test could mistake for data).
 */
export function resolverOf(table: ResolverTable, typeName: string, fieldName: string): Resolver {
  const resolve = table[typeName]?.[fieldName];
  if (resolve) return resolve;
  return (source) => {
    const value = source?.[fieldName];
    // Only plain view objects answer by property: a state class's properties are not the API's fields.
    if (value !== undefined && source.constructor === Object) return value;
    throw new GraphQLError(`The fake Shopify does not model ${typeName}.${fieldName}`, { extensions: { code: 'FAKE_UNSUPPORTED' } });
  };
}

/** The resolver of every field, for graphql-js. */
export function fieldResolverFor(table: ResolverTable): Resolver {
  return (source, args, ctx, info) => {
    const resolve = table[info.parentType.name]?.[info.fieldName] ?? resolverOf(table, info.parentType.name, info.fieldName);
    return resolve(source, args, ctx, info);
  };
}

/** Shopify's DateTime: ISO 8601 in UTC, whole seconds. */
export function dateTime(ms: number | null): string | null {
  return ms === null ? null : `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Shopify's Decimal and Money scalars: "12.5", "10.0". */
const decimals = new Map<number, string>();

export function decimal(amount: number): string {
  let text = decimals.get(amount);
  if (text === undefined) {
    const rounded = Math.round(amount * 100) / 100;
    text = Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
    if (decimals.size < 200_000) decimals.set(amount, text); // prices repeat: a bulk file formats few distinct ones
  }
  return text;
}

export function money(amount: number, currency: string): { amount: string; currencyCode: string } {
  return { amount: decimal(amount), currencyCode: currency };
}

export function moneyBag(amount: number, currency: string): { shopMoney: unknown; presentmentMoney: unknown } {
  const m = money(amount, currency);
  return { shopMoney: m, presentmentMoney: m };
}

export const ORDERS_WINDOW_MS = 60 * 86_400_000;

/** Throws Shopify's ACCESS_DENIED for a field that needs a scope the token lacks. */
export function requireScope(ctx: FakeContext, scope: string, field: string): void {
  if (ctx.scopes.has(scope) || (scope.startsWith('read_') && ctx.scopes.has(`write_${scope.slice(5)}`))) return;
  const requiredAccess = `\`${scope}\` access scope.`;
  throw new GraphQLError(`Access denied for ${field} field. Required access: ${requiredAccess}`, {
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess },
  });
}

/** Orders older than 60 days exist only for tokens with read_all_orders, as on Shopify. */
export function orderVisible(ctx: FakeContext, order: OrderState): boolean {
  return ctx.scopes.has('read_all_orders') || order.createdAt >= ctx.now - ORDERS_WINDOW_MS;
}
