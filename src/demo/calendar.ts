/**
 * Day-by-day tables of the demo store's retail calendar over the generated window: how busy each day is,
 * which discount code is being promoted, and which products are marked down at what price. Built once per
 * store (about 1,100 days × 61 products), so the generator's hot loop looks up an array instead of
 * formatting or inspecting Dates.
 */
import { CODES, type DiscountCode, PRODUCTS } from './catalogue';
import type { Random } from './random';

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.2425 * DAY_MS;

/**
 * Demand by month, relative (Jan..Dec): post-holiday lull, spring pick-up, summer dip, then the holiday
 * quarter. Black Friday to Cyber Monday gets its own multiplier on top (BFCM_BOOST).
 */
const MONTH_DEMAND = [0.8, 0.8, 0.95, 1.0, 1.0, 0.85, 0.78, 0.85, 0.95, 1.0, 1.3, 1.45];
const BFCM_BOOST = 3.2;
/** Sunday..Saturday: shoppers buy a little more at the start of the week, less on Friday night. */
const WEEKDAY_DEMAND = [1.1, 1.08, 1.0, 1.0, 0.97, 0.9, 0.95];

/** Seasonal codes promoted by the store; an index into this list is what the day table holds. */
export const SEASONAL_CODES: readonly DiscountCode[] = [CODES.BFCM25, CODES.SPRING15, CODES.SUMMER20];

interface MarkdownEvent {
  /** Share of (non gift card) products marked down during the event. */
  share: number;
  minDepth: number;
  maxDepth: number;
}
/** Big sales mark a lot down deeply; the rest of the year a small monthly clearance rack. */
const SALE: MarkdownEvent = { share: 0.45, minDepth: 0.2, maxDepth: 0.4 };
const CLEARANCE: MarkdownEvent = { share: 0.04, minDepth: 0.15, maxDepth: 0.3 };

export interface StoreCalendar {
  /** UTC midnight on or before the window start; day d spans [dayZeroMs + d·DAY_MS, +DAY_MS). */
  dayZeroMs: number;
  windowStartMs: number;
  asOfMs: number;
  days: number;
  /** Order intensity multiplier per day, mean 1 over the window. */
  demand: Float64Array;
  maxDemand: number;
  /** Index into SEASONAL_CODES of the code promoted that day, or -1. */
  seasonalCode: Int8Array;
  /** True on days of a big sale (BFCM, winter sale, summer sale): markdowns are everywhere. */
  saleDay: Uint8Array;
  /** Markdown event of each day; row of markdownPrice. */
  event: Int16Array;
  /** markdownPrice[event * PRODUCTS.length + product]: the sale price in cents, or 0 when not marked down. */
  markdownPrice: Int32Array;
  /** First day each product can be sold. */
  launchDay: Int32Array;
  /** Launch moments (ms) of the products launched inside the window, with their product indexes. */
  launches: ReadonlyArray<{ product: number; atMs: number }>;
}

/** The demo's default as-of: the start of the moment's UTC day, so runs on one day make the same store. */
export function startOfUtcDay(moment: Date): Date {
  return new Date(Math.floor(moment.getTime() / DAY_MS) * DAY_MS);
}

/** asOf minus `years` calendar years, clamping 29 February like PostgreSQL's interval arithmetic does. */
export function windowStart(asOf: Date, years: number): Date {
  const year = asOf.getUTCFullYear() - years;
  const month = asOf.getUTCMonth();
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const start = new Date(asOf.getTime());
  start.setUTCFullYear(year, month, Math.min(asOf.getUTCDate(), last));
  return start;
}

/** The Friday after US Thanksgiving (fourth Thursday of November), as a UTC midnight. */
export function blackFriday(year: number): number {
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - firstWeekday + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1);
}

export function buildCalendar(asOf: Date, years: number, rng: Random): StoreCalendar {
  const asOfMs = asOf.getTime();
  const windowStartMs = windowStart(asOf, years).getTime();
  const dayZeroMs = Math.floor(windowStartMs / DAY_MS) * DAY_MS;
  const days = Math.ceil((asOfMs - dayZeroMs) / DAY_MS);
  const demand = new Float64Array(days);
  const seasonalCode = new Int8Array(days).fill(-1);
  const saleDay = new Uint8Array(days);
  const event = new Int16Array(days);
  const eventKeys = new Map<string, number>();
  const eventSpecs: MarkdownEvent[] = [];

  for (let d = 0; d < days; d++) {
    const ms = dayZeroMs + d * DAY_MS;
    const date = new Date(ms);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const dom = date.getUTCDate();
    const bf = blackFriday(year);
    let level = MONTH_DEMAND[month] * WEEKDAY_DEMAND[date.getUTCDay()];
    // Black Friday through Cyber Monday: the year's peak. The week before warms up ("early deals").
    if (ms >= bf && ms <= bf + 3 * DAY_MS) level *= BFCM_BOOST;
    else if (ms >= bf - 7 * DAY_MS && ms < bf) level *= 1.3;
    // After the last shipping day before Christmas, demand collapses until the winter sale starts.
    if (month === 11 && dom >= 20 && dom <= 25) level *= 0.55;
    demand[d] = level;

    let key: string;
    if (ms >= bf - 3 * DAY_MS && ms <= bf + 4 * DAY_MS) {
      seasonalCode[d] = 0; // BFCM25: Black Friday week through the day after Cyber Monday
      key = `bfcm-${year}`;
    } else if ((month === 11 && dom >= 26) || (month === 0 && dom <= 15)) {
      key = `winter-${month === 0 ? year - 1 : year}`;
    } else if (month === 6) {
      if (dom <= 14) seasonalCode[d] = 2; // SUMMER20 in the first half of July
      key = `summer-${year}`;
    } else {
      if ((month === 2 && dom >= 20) || (month === 3 && dom <= 10)) seasonalCode[d] = 1; // SPRING15
      key = `clearance-${year}-${month}`;
    }
    const isSale = !key.startsWith('clearance');
    saleDay[d] = isSale ? 1 : 0;
    let id = eventKeys.get(key);
    if (id === undefined) {
      id = eventSpecs.length;
      eventKeys.set(key, id);
      eventSpecs.push(isSale ? SALE : CLEARANCE);
    }
    event[d] = id;
  }

  // Normalise so a customer's purchase rate means orders per average day of the window.
  let total = 0;
  for (let d = 0; d < days; d++) total += demand[d];
  const mean = total / days;
  let maxDemand = 0;
  for (let d = 0; d < days; d++) {
    demand[d] /= mean;
    if (demand[d] > maxDemand) maxDemand = demand[d];
  }

  const n = PRODUCTS.length;
  const markdownPrice = new Int32Array(eventSpecs.length * n);
  eventSpecs.forEach((spec, e) => {
    for (let p = 0; p < n; p++) {
      const product = PRODUCTS[p];
      if (product.giftCard || !rng.chance(spec.share)) continue;
      const depth = spec.minDepth + (spec.maxDepth - spec.minDepth) * rng.next();
      // Sale prices end in .99 like the list prices, and always stay below the compare-at price.
      const sale = Math.floor((product.priceCents * (1 - depth)) / 100) * 100 - 1;
      markdownPrice[e * n + p] = Math.max(99, Math.min(sale, product.priceCents - 100));
    }
  });

  const launchDay = new Int32Array(n);
  const launches: Array<{ product: number; atMs: number }> = [];
  PRODUCTS.forEach((product, p) => {
    launchDay[p] = Math.floor(product.launchAt * days);
    if (product.launchAt > 0) {
      // Launches go live at 15:00 UTC (10:00 on the US east coast).
      launches.push({ product: p, atMs: dayZeroMs + launchDay[p] * DAY_MS + 15 * 3_600_000 });
    }
  });
  launches.sort((a, b) => a.atMs - b.atMs);

  return {
    dayZeroMs, windowStartMs, asOfMs, days, demand, maxDemand, seasonalCode, saleDay, event, markdownPrice,
    launchDay, launches,
  };
}
