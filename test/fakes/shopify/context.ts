/**
 * What every resolver sees: the shop's data and settings, the caller's scopes, the moment of the request,
 * and the registries mutations change. Also the shared resolver plumbing (the resolver table type, the
 * typeResolver for interfaces and unions, Shopify's money and time formats, access checks).
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { CheckoutState, CustomerState, OrderState, type ShopData } from './state';

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
]);

/** The concrete type of a value returned where the schema has an interface or union (node, endpoint). */
export function typeNameOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as { __typename?: string }).__typename ?? CLASS_TYPES.get(value.constructor);
}

/**
 * The resolver of every field: the table's function, else the property of a plain view object. A field the
 * fake does not model is an error naming it (never a silent null a test could mistake for data).
 */
export function fieldResolverFor(table: ResolverTable): Resolver {
  return (source, args, ctx, info) => {
    const resolve = table[info.parentType.name]?.[info.fieldName];
    if (resolve) return resolve(source, args, ctx, info);
    if (source !== null && typeof source === 'object' && Object.getPrototypeOf(source) === Object.prototype && info.fieldName in source) {
      return source[info.fieldName];
    }
    throw new GraphQLError(`The fake Shopify does not model ${info.parentType.name}.${info.fieldName}`, {
      extensions: { code: 'FAKE_UNSUPPORTED' },
    });
  };
}

/** Shopify's DateTime: ISO 8601 in UTC, whole seconds. */
export function dateTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Shopify's Decimal and Money scalars: "12.5", "10.0". */
export function decimal(amount: number): string {
  const s = String(Math.round(amount * 100) / 100);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
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
