/**
 * VIP tiers Silver, Gold and Platinum: by trailing-12-month net spend, either relative to the store (top
 * shares of its buyers) or by absolute milestones; customers who return unusually much are excluded, and
 * how they buy (full price, high-margin categories, discount dependence) moves the tier by at most one step.
 *
 * Two stages, so SQL can run it over a million customers: (1) three spend thresholds per shop, one window
 * over the spends; (2) arithmetic per customer against them. This is the reference; SQL mirrors each line.
 *
 * INPUTS per customer, all over the same TRAILING WINDOW: createdAt > asOf − interval '12 months' (UTC,
 * day clamped to the month's end as PostgreSQL does, like eligibility.ts) AND createdAt ≤ asOf.
 *   trailing12mSpend  Σ (totalPrice − totalRefunded) over eligible orders (eligibility.ts) in the window.
 *   returnsRate       as in features.ts (refunded ÷ price, fully refunded orders included), in the window.
 *   fullPriceShare    as in features.ts (units bought at full price ÷ units), in the window.
 *   highMarginShare   SPEND-weighted: Σ (price × quantity − discountAmount) of lines whose productType is one
 *                     of the shop's highMarginCategories (exact match) ÷ that Σ over all lines, or 0 (Σ ≤ 0, no
 *                     categories). Spend, not units, because margin is money: a coat outweighs ten socks.
 * Rates and shares carry 4 decimals and are compared as integer basis points (share × 10 000, rounded).
 *
 * STAGE 1, THRESHOLDS (computeVipThresholds). Absolute mode: the milestones as set. Relative mode: buyers
 * are the customers with spend > 0, n of them; for a tier with share p (basis points bp = p × 10 000) and
 * worse(s) = the number of buyers who spent strictly less than s,
 *
 *     threshold = the smallest buyer spend s with 10 000 × worse(s) ≥ (10 000 − bp) × n, or null if none,
 *
 * so a buyer reaches the tier when at least (1 − p) of the buyers spent strictly less: the "strictly worse"
 * counting of the RFM scores (rfm-scores.ts). Equal spends always share a tier; a tier never holds more
 * than p × n buyers (a tie at the cut keeps the whole tied block out rather than letting the tier overflow);
 * with the defaults Silver needs 10 buyers, Gold 20 and Platinum 100 before anyone qualifies. In SQL:
 *     SELECT min(spend) FROM (SELECT spend, rank() OVER (ORDER BY spend) - 1 AS worse, count(*) OVER () AS n
 *                             FROM customers WHERE spend > 0) b
 *     WHERE 10000 * worse >= (10000 - :bp) * n
 * Thresholds come from every buyer, excluded or adjusted ones included, so they depend on the store's spend
 * only: changing the returns limit or a boost never moves the cut-offs that reports show.
 *
 * STAGE 2, PER CUSTOMER (vipTierFor), in this order:
 *   1. spend ≤ 0: no tier.
 *   2. baseTier = the highest tier whose threshold is not null and spend ≥ threshold (milestones included).
 *   3. returnsRate > maxReturnsRate: no tier (the limit itself is allowed).
 *   4. step = +1 if fullPriceBoost and fullPriceShare ≥ its minShare
 *             +1 if highMarginBoost, the shop names categories, and highMarginShare ≥ its minShare
 *             −1 if discountPenalty and fullPriceShare ≤ its maxShare
 *      clamped to [−1, +1]: spend earns the tier and behaviour refines it by one step at most, so any tier is
 *      explained by "spend, plus or minus one". (Boost and penalty cannot both fire: validation keeps
 *      discountPenalty.maxShare below fullPriceBoost.minShare.)
 *   5. level = base level (none 0, Silver 1, Gold 2, Platinum 3) + step, clamped to 0..3. A raise from no
 *      tier also needs spend ≥ nearSilverFraction × a non-null Silver threshold (default 0.8: within 20% of
 *      Silver), so one small full-price order does not make a VIP. (SQL numeric: exact, as here in cents.)
 *
 * THE RETURNS LIMIT is absolute (default 0.4), not store-relative: most customers return nothing, so the
 * median returns rate is 0 and a "k × median" rule would exclude anyone with one return. 40% is above the
 * usual rate even in apparel (20–30%), so it catches serial returners only, and a merchant can read it.
 *
 * REASONS: one merchant-readable sentence, every template tested verbatim in the spec. Amounts in the shop
 * currency, en-US format, cents only when not whole; percentages to 2 decimals, so none rounds across a limit.
 * "Gold: top 5% by 12-month spend ($1,240)" (relative), "Gold: $1,240 spent in 12 months (Gold from $1,000)"
 * (absolute), "No tier: $120 spent in 12 months (Silver from $500, the top 10%)", "No tier: 48% of spend
 * returned (limit 40%)"; a tier that differs from the base tier adds "; raised from Silver for buying 92% at
 * full price" (or "… and spending 70% on high-margin categories") or "; lowered from Gold for buying only
 * 12% at full price".
 * The result depends on the inputs only, not on their order.
 */

export const VIP_TIER_KEYS = ['silver', 'gold', 'platinum'] as const;
export type VipTier = (typeof VIP_TIER_KEYS)[number];

/** One number per tier: top shares of buyers (relative mode) or spend milestones (absolute mode). */
export type VipTierValues = Record<VipTier, number>;

export interface VipTierSettings {
  mode: 'relative' | 'absolute';
  /** Cumulative top shares of buyers, 0.1 = top 10%; platinum < gold < silver, at most 4 decimals. */
  relative: VipTierValues;
  /** Spend milestones in the shop currency, silver < gold < platinum. */
  absolute: VipTierValues;
  /** Customers with a higher returns rate get no tier. */
  maxReturnsRate: number;
  /** fullPriceShare ≥ minShare raises one tier; null: off. */
  fullPriceBoost: { minShare: number } | null;
  /** fullPriceShare ≤ maxShare lowers one tier; null: off. */
  discountPenalty: { maxShare: number } | null;
  /** Product types (exactly as stored) whose spend counts towards highMarginShare. */
  highMarginCategories: string[];
  /** highMarginShare ≥ minShare raises one tier; null or no categories: off. */
  highMarginBoost: { minShare: number } | null;
  /** A raise into Silver from no tier needs spend ≥ this fraction of the Silver threshold. */
  nearSilverFraction: number;
}

/** Frozen: callers copy (parseVipTierSettings returns fresh objects), nobody edits the defaults. */
export const DEFAULT_VIP_TIER_SETTINGS: Readonly<VipTierSettings> = deepFreeze({
  mode: 'relative',
  relative: { silver: 0.1, gold: 0.05, platinum: 0.01 },
  absolute: { silver: 500, gold: 1000, platinum: 2500 },
  maxReturnsRate: 0.4,
  fullPriceBoost: { minShare: 0.8 },
  discountPenalty: { maxShare: 0.2 },
  highMarginCategories: [],
  highMarginBoost: { minShare: 0.5 },
  nearSilverFraction: 0.8,
});

function deepFreeze<T extends object>(value: T): T {
  Object.values(value).forEach((inner) => typeof inner === 'object' && inner !== null && deepFreeze(inner));
  return Object.freeze(value);
}

export interface VipCustomerInput {
  customerId: string;
  trailing12mSpend: number;
  returnsRate: number;
  fullPriceShare: number;
  highMarginShare: number;
}

/** Spend cut-offs per tier; null when nobody can reach the tier (a small store in relative mode). */
export type VipThresholds = Record<VipTier, number | null>;

export interface VipTierAssignment {
  customerId: string;
  tier: VipTier | null;
  /** The tier spend alone earned, before the returns exclusion and the behaviour step. */
  baseTier: VipTier | null;
  reason: string;
}

/** currency: the ISO 4217 code of the shop currency, for the amounts in reasons. */
export type VipReasonOptions = { currency: string };

const BASIS = 10_000;
const LEVEL: Record<VipTier, number> = { silver: 1, gold: 2, platinum: 3 };
const TIER_AT_LEVEL = [null, 'silver', 'gold', 'platinum'] as const;
const TIER_NAME: Record<VipTier, string> = { silver: 'Silver', gold: 'Gold', platinum: 'Platinum' };

const basisPoints = (share: number): number => Math.round(share * BASIS);
const cents = (amount: number): number => Math.round(amount * 100);

/** Exact to the 4 decimals inputs carry: 0.4001 shows as 40.01%, never as a rounded 40%. */
const percent = (share: number): string => `${basisPoints(share) / 100}%`;

/** Formatters by currency and digits: building one costs ~30 µs, a run formats two amounts per customer. */
const formatters = new Map<string, Intl.NumberFormat>();

function money(amount: number, currency: string): string {
  const digits = cents(amount) % 100 === 0 ? 0 : 2;
  const key = `${currency}:${digits}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const format = { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits } as const;
    formatter = new Intl.NumberFormat('en-US', format);
    formatters.set(key, formatter);
  }
  return formatter.format(cents(amount) / 100);
}

/** The relative threshold for share bp over buyers' spends sorted ascending (rule in the header). */
function relativeThreshold(ascending: readonly number[], bp: number): number | null {
  const n = ascending.length;
  if (n === 0) return null;
  // ceil of an integer ratio: exact in floating point for any realistic n.
  const need = Math.ceil(((BASIS - bp) * n) / BASIS);
  if (need === 0) return ascending[0];
  // worse(ascending[j]) = j at the first index j of each value; skip the block tied with the (need)th spend.
  for (let j = need; j < n; j++) if (ascending[j] > ascending[need - 1]) return ascending[j];
  return null;
}

export function computeVipThresholds(spends: readonly number[], settings: VipTierSettings): VipThresholds {
  const checked = parseVipTierSettings(settings);
  const bad = spends.find((spend) => !Number.isFinite(spend));
  if (bad !== undefined) throw new RangeError(`Spends must be finite numbers, got ${bad}`);
  if (checked.mode === 'absolute') return { ...checked.absolute };
  const buyers = spends.filter((spend) => spend > 0).sort((a, b) => a - b);
  const cut = (tier: VipTier) => relativeThreshold(buyers, basisPoints(checked.relative[tier]));
  return { silver: cut('silver'), gold: cut('gold'), platinum: cut('platinum') };
}

function baseTierFor(spend: number, thresholds: VipThresholds): VipTier | null {
  const reached = (tier: VipTier) => thresholds[tier] !== null && spend >= (thresholds[tier] as number);
  return (['platinum', 'gold', 'silver'] as const).find(reached) ?? null;
}

function assertInput(customer: VipCustomerInput): void {
  const bad = (problem: string) => new RangeError(`Customer ${customer.customerId}: ${problem}`);
  const spend = customer.trailing12mSpend;
  if (!Number.isFinite(spend)) throw bad(`trailing12mSpend must be a finite number, got ${spend}`);
  for (const field of ['returnsRate', 'fullPriceShare', 'highMarginShare'] as const) {
    const value = customer[field];
    if (!Number.isFinite(value) || value < 0 || value > 1) throw bad(`${field} must be between 0 and 1, got ${value}`);
  }
}

/** What the customer's spend says about the base tier, the part of the reason after "Tier: ". */
function spendBasis(spend: number, baseTier: VipTier | null, thresholds: VipThresholds, settings: VipTierSettings,
  currency: string): string {
  const spent = `${money(spend, currency)} spent in 12 months`;
  if (baseTier !== null) {
    const top = `top ${percent(settings.relative[baseTier])} by 12-month spend (${money(spend, currency)})`;
    if (settings.mode === 'relative') return top;
    return `${spent} (${TIER_NAME[baseTier]} from ${money(thresholds[baseTier] as number, currency)})`;
  }
  const topSilver = percent(settings.relative.silver);
  if (thresholds.silver === null) return `${spent} (no Silver yet: too few customers for a top ${topSilver})`;
  const silverFrom = `Silver from ${money(thresholds.silver, currency)}`;
  return settings.mode === 'relative' ? `${spent} (${silverFrom}, the top ${topSilver})` : `${spent} (${silverFrom})`;
}

/** spend ≥ fraction × silver, in integer cents × basis points so that 0.8 × 123.45 compares exactly. */
function nearSilver(spend: number, silver: number | null, fraction: number): boolean {
  return silver !== null && cents(spend) * BASIS >= basisPoints(fraction) * cents(silver);
}

/** Every customer with spend ≤ 0 gets no tier and this reason, so a run can write it without asking per customer. */
export const NO_SPEND_REASON = 'No tier: no net spend in the last 12 months';

/**
 * One customer's tier against thresholds from computeVipThresholds (stage 2 of the header). Settings are
 * taken as parseVipTierSettings returns them; assignVipTiers validates them once for a whole store.
 */
export function vipTierFor(customer: VipCustomerInput, thresholds: VipThresholds, settings: VipTierSettings,
  options: VipReasonOptions): VipTierAssignment {
  assertInput(customer);
  const { customerId, trailing12mSpend: spend, returnsRate, fullPriceShare, highMarginShare } = customer;
  if (spend <= 0) return { customerId, tier: null, baseTier: null, reason: NO_SPEND_REASON };

  const baseTier = baseTierFor(spend, thresholds);
  if (basisPoints(returnsRate) > basisPoints(settings.maxReturnsRate)) {
    const reason = `No tier: ${percent(returnsRate)} of spend returned (limit ${percent(settings.maxReturnsRate)})`;
    return { customerId, tier: null, baseTier, reason };
  }

  const { fullPriceBoost, discountPenalty, highMarginBoost, highMarginCategories } = settings;
  const atLeast = (share: number, min: number) => basisPoints(share) >= basisPoints(min);
  const raises: string[] = [];
  const fullPrice = `${percent(fullPriceShare)} at full price`;
  if (fullPriceBoost && atLeast(fullPriceShare, fullPriceBoost.minShare)) raises.push(`buying ${fullPrice}`);
  if (highMarginBoost && highMarginCategories.length > 0 && atLeast(highMarginShare, highMarginBoost.minShare)) {
    raises.push(`spending ${percent(highMarginShare)} on high-margin categories`);
  }
  const lowered = discountPenalty !== null && atLeast(discountPenalty.maxShare, fullPriceShare);
  const step = Math.max(-1, Math.min(1, raises.length - (lowered ? 1 : 0)));

  const baseLevel = baseTier === null ? 0 : LEVEL[baseTier];
  let level = Math.max(0, Math.min(3, baseLevel + step));
  if (baseLevel === 0 && level > 0 && !nearSilver(spend, thresholds.silver, settings.nearSilverFraction)) level = 0;
  const tier = TIER_AT_LEVEL[level];

  const basis = spendBasis(spend, baseTier, thresholds, settings, options.currency);
  let reason = `${tier === null ? 'No tier' : TIER_NAME[tier]}: ${basis}`;
  const from = baseTier === null ? 'no tier' : TIER_NAME[baseTier];
  if (level > baseLevel) reason += `; raised from ${from} for ${raises.join(' and ')}`;
  if (level < baseLevel) reason += `; lowered from ${from} for buying only ${fullPrice}`;
  return { customerId, tier, baseTier, reason };
}

/** Every customer's tier, thresholds taken from these customers' spends; output in input order. */
export function assignVipTiers(customers: readonly VipCustomerInput[], settings: VipTierSettings,
  options: VipReasonOptions): VipTierAssignment[] {
  if (!/^[A-Z]{3}$/.test(options.currency)) {
    throw new RangeError(`currency must be an ISO 4217 code such as USD, got ${JSON.stringify(options.currency)}`);
  }
  const checked = parseVipTierSettings(settings);
  customers.forEach(assertInput); // before the thresholds, so a bad value is reported with its customer
  const thresholds = computeVipThresholds(customers.map((customer) => customer.trailing12mSpend), checked);
  return customers.map((customer) => vipTierFor(customer, thresholds, checked, options));
}

// ---------------------------------------------------------------------------------------------------------
// Settings validation: a shop's settings arrive as JSON from the dashboard or the CLI; a bad one is refused
// with the field it concerns, so the merchant sees "relative.gold: …" rather than a wrong tier list.

export class InvalidVipTierSettingsError extends Error {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidVipTierSettingsError';
  }
}

type Fields = Record<string, unknown>;
type Bounds = { minOpen?: boolean; maxOpen?: boolean; max?: number; decimals?: number; what: string };
const fail = (field: string, problem: string): never => {
  throw new InvalidVipTierSettingsError(field, problem);
};
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

function objectOf(value: unknown, field: string, keys: readonly string[]): Fields {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject) fail(field, `expected an object, got ${show(value)}`);
  const unknownKey = Object.keys(value as Fields).find((key) => !keys.includes(key));
  const path = field === 'settings' ? unknownKey : `${field}.${unknownKey}`;
  if (unknownKey !== undefined) fail(path as string, `unknown setting (expected one of ${keys.join(', ')})`);
  return value as Fields;
}

/** A number in [0, max] (an end open when asked) with at most `decimals` decimals: shares by default. */
function numberIn(value: unknown, field: string, bounds: Bounds): number {
  const { minOpen = false, maxOpen = false, max = 1, decimals = 4, what } = bounds;
  const ok = typeof value === 'number' && Number.isFinite(value);
  if (!ok || (minOpen ? value <= 0 : value < 0) || (maxOpen ? value >= max : value > max)) {
    fail(field, `expected ${what}, got ${show(value)}`);
  }
  const scaled = (value as number) * 10 ** decimals;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) fail(field, `expected at most ${decimals} decimals, got ${value}`);
  return value as number;
}

/** Per-tier values over the defaults; each higher tier must be `relation` the one below it. */
function tierValues(value: unknown, field: string, defaults: VipTierValues, bounds: Bounds, relation: string) {
  const given = value === undefined ? {} : objectOf(value, field, VIP_TIER_KEYS);
  const result = { ...defaults };
  for (const tier of VIP_TIER_KEYS) {
    if (given[tier] !== undefined) result[tier] = numberIn(given[tier], `${field}.${tier}`, bounds);
  }
  for (const [lower, higher] of [['silver', 'gold'], ['gold', 'platinum']] as const) {
    const ordered = relation === 'more than' ? result[higher] > result[lower] : result[higher] < result[lower];
    const problem = `must be ${relation} ${field}.${lower} (${result[lower]}), got ${result[higher]}`;
    if (!ordered) fail(`${field}.${higher}`, problem);
  }
  return result;
}

/** A boost or penalty: null turns it off; an object, or nothing, gives its one share over the default. */
function switchable<K extends string>(value: unknown, field: string, key: K, fallback: Record<K, number> | null,
  bounds: Bounds): Record<K, number> | null {
  if (value === null || (value === undefined && fallback === null)) return null;
  const given = value === undefined ? {} : objectOf(value, field, [key]);
  return { [key]: numberIn(given[key] ?? fallback?.[key], `${field}.${key}`, bounds) } as Record<K, number>;
}

const SETTING_KEYS = ['mode', 'relative', 'absolute', 'maxReturnsRate', 'fullPriceBoost', 'discountPenalty',
  'highMarginCategories', 'highMarginBoost', 'nearSilverFraction'] as const;
const SHARE: Bounds = { minOpen: true, what: 'a share above 0 and at most 1' };

/**
 * Validated settings from JSON text or a parsed value; missing fields take DEFAULT_VIP_TIER_SETTINGS,
 * unknown fields are refused (a typo must not silently fall back to a default). Throws
 * InvalidVipTierSettingsError naming the bad field.
 */
export function parseVipTierSettings(input: unknown): VipTierSettings {
  let value = input ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      fail('settings', 'not valid JSON');
    }
  }
  const given = objectOf(value, 'settings', SETTING_KEYS);
  const d = DEFAULT_VIP_TIER_SETTINGS; // the defaults

  const mode = given.mode ?? d.mode;
  if (mode !== 'relative' && mode !== 'absolute') fail('mode', `expected "relative" or "absolute", got ${show(mode)}`);
  const topShare = { ...SHARE, what: 'a share above 0 and at most 1 (0.1 = top 10%)' };
  const relative = tierValues(given.relative, 'relative', d.relative, topShare, 'a smaller share than');
  const amount = { minOpen: true, max: 1e12, decimals: 2, what: 'an amount above 0' };
  const absolute = tierValues(given.absolute, 'absolute', d.absolute, amount, 'more than');
  const rate = { what: 'a rate from 0 to 1' };
  const maxReturnsRate = numberIn(given.maxReturnsRate ?? d.maxReturnsRate, 'maxReturnsRate', rate);
  const fullPriceBoost = switchable(given.fullPriceBoost, 'fullPriceBoost', 'minShare', d.fullPriceBoost, SHARE);
  const below1 = { maxOpen: true, what: 'a share from 0 to below 1' };
  const discountPenalty = switchable(given.discountPenalty, 'discountPenalty', 'maxShare', d.discountPenalty, below1);
  if (fullPriceBoost && discountPenalty && discountPenalty.maxShare >= fullPriceBoost.minShare) {
    const limit = `fullPriceBoost.minShare (${fullPriceBoost.minShare})`;
    const got = discountPenalty.maxShare;
    const problem = `must be below ${limit}, or a customer could be raised and lowered at once; got ${got}`;
    fail('discountPenalty.maxShare', problem);
  }
  const categories = given.highMarginCategories ?? d.highMarginCategories;
  const notList = `expected a list of product types, got ${show(categories)}`;
  if (!Array.isArray(categories)) fail('highMarginCategories', notList);
  (categories as unknown[]).forEach((category, i) => {
    const problem = `expected a non-empty product type, got ${show(category)}`;
    if (typeof category !== 'string' || category === '') fail(`highMarginCategories[${i}]`, problem);
  });
  const highMarginBoost = switchable(given.highMarginBoost, 'highMarginBoost', 'minShare', d.highMarginBoost, SHARE);
  const fraction = { ...SHARE, what: 'a fraction above 0 and at most 1' };
  const nearSilverFraction = numberIn(given.nearSilverFraction ?? d.nearSilverFraction, 'nearSilverFraction', fraction);
  const highMarginCategories = [...(categories as string[])];
  return { mode: mode as VipTierSettings['mode'], relative, absolute, maxReturnsRate, fullPriceBoost, discountPenalty,
    highMarginCategories, highMarginBoost, nearSilverFraction };
}
