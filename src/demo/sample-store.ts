/**
 * A deterministic, realistic sample Shopify store: customers, their orders and abandoned checkouts, for
 * `segment-sync demo` (about 20,000 customers over 3 years) and the benchmarks (up to 1M customers). Pure:
 * no database, files or framework. Same seed and options give the same records, byte for byte.
 *
 * The model, customer by customer (parameters in MODEL below):
 * - Acquisition: sign-up moments spread over the window with yearly growth (MODEL.growthPerYear) and the
 *   retail calendar's seasonality (calendar.ts), stratified so customer ids increase with sign-up date.
 * - Prospects: a share sign up for the newsletter and never order (MODEL.prospectShare); other newsletter
 *   sign-ups first order after a delay (some of them too late, so they are prospects as well).
 * - Purchases, BG/NBD-like: each customer buys at a Poisson rate λ ~ Gamma(rateShape, scale) per year,
 *   thinned by the calendar's daily demand (BFCM peak, December rush, summer dip), and after every order
 *   "dies" with probability p ~ Beta(dropoutA, dropoutB). Dropout can strike right after the first order,
 *   which is what makes half the buyers one-timers. The scale is calibrated (calibrateRateScale) so the mean
 *   number of orders per buyer is options.ordersPerCustomer, whatever the window and growth.
 * - Spend, Gamma-Gamma-like: each customer has a typical order value drawn lognormally (a few whales far
 *   out); each order's target value varies lognormally around it and is filled with catalogue lines, biased
 *   to the customer's favourite category.
 * - Price mechanics: markdowns (compare-at prices) on many products during the big sales, a small clearance
 *   rack otherwise; one discount code at most per order, applied to full-price, non gift card lines, each
 *   line's allocation rounded to the cent; shipping by zone with a free-shipping threshold.
 *   subtotal = Σ(quantity × price) − totalDiscounts (Shopify's "subtotal after discounts");
 *   totalPrice = subtotal + shipping. No taxes (prices are tax-inclusive).
 * - Behaviour traits: coupon hunters, full-price buyers, returns-prone customers, trend followers (buy
 *   launches within days), wholesale accounts; VIP tag once a customer passes MODEL.vipSpendCents.
 * - Payment outcomes: mostly paid; partial and full refunds (more for the returns-prone, never in the last
 *   week); cancellations (voided or refunded); pending/authorized mostly on the most recent orders.
 * - Abandoned checkouts for some prospects and, in proportion to their orders, for buyers.
 * - Contacts: emails first.last+N@example.com/.org (unique by construction), E.164 phones from fictional
 *   ranges (North America +1 NPA 555-01xx upwards, Ofcom/ACMA/ARCEP drama ranges), time zones by region.
 * All moments are UTC Dates strictly inside [asOf − years, asOf). Ids: customers 7000000000001…, orders
 * 5000000000001… named #1001…, checkouts 30000000000001…; customer ids increase with sign-up date.
 * Limits: short windows (1 year) fall a little short of a high ordersPerCustomer (the rate cap binds);
 * no taxes, no multi-currency, no completed checkouts, no refund or fulfilment records beyond totals.
 */
import type { CheckoutRecord, ConsentState, CustomerRecord, OrderRecord } from '../store/store-records';
import { buildCalendar, DAY_MS, type StoreCalendar, YEAR_MS } from './calendar';
import {
  CATEGORIES, CATEGORY_WEIGHTS, COUNTRIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, LOCAL_HOUR_WEIGHTS,
  PRODUCTS, PRODUCTS_BY_CATEGORY, SHOP_CURRENCY, SHOP_DOMAIN, phoneNumber,
} from './catalogue';
import { OrderBuilder, type Shopper } from './order-builder';
import { cumulativeWeights, Random } from './random';

export interface SampleStoreOptions {
  customers: number;
  /** Default 1. */
  seed?: number;
  /** Length of the order history in calendar years before asOf. Default 3. */
  years?: number;
  asOf: Date;
  /** Target mean number of orders per buyer, one-time buyers included. Default 4. */
  ordersPerCustomer?: number;
}

export interface SampleStoreShop {
  domain: string;
  name: string;
  currency: string;
  timezone: string;
}

export interface SampleStoreBatch {
  customers: CustomerRecord[];
  orders: OrderRecord[];
  checkouts: CheckoutRecord[];
}

/** Customers per yielded batch. Each customer's orders and checkouts are in the customer's batch. */
export const SAMPLE_BATCH_SIZE = 1000;

/**
 * The model's parameters. The purchase ones were tuned together: with the default 3 years and 4 orders per
 * buyer they give ~55% one-time buyers and ~9% of buyers with 10 orders or more.
 */
export const MODEL = {
  /** Sign-ups grow 45% a year. */
  growthPerYear: 0.45,
  /** Newsletter-only sign-ups; with late converters, about 15% of customers end up without an order. */
  prospectShare: 0.135,
  /** Share of buyers who joined the newsletter before their first order (mean delay newsletterDelayDays). */
  newsletterFirstShare: 0.2,
  newsletterDelayDays: 60,
  /** Gamma shape of the yearly purchase rate λ (below 1: most buy rarely, a few very often). */
  rateShape: 0.55,
  /** Nobody buys more than three times a month on average (wholesale accounts: twice that). */
  maxRatePerYear: 36,
  /** Beta(0.7, 0.7) dropout is U-shaped: many leave after one order, a loyal core almost never leaves. */
  dropoutA: 0.7,
  dropoutB: 0.7,
  /** Typical order value: lognormal around $65, σ 0.55; whales order ~5× their lognormal draw. */
  medianOrderValueCents: 6500,
  orderValueSigma: 0.55,
  whaleShare: 0.006,
  couponHunterShare: 0.12,
  fullPriceShare: 0.22,
  returnsProneShare: 0.07,
  trendFollowerShare: 0.05,
  wholesaleShare: 0.003,
  /** Net spend after which the merchant tags a customer (with at least three orders) 'vip'. */
  vipSpendCents: 250_000,
  /** Share of customers in countries with a fictional phone plan who leave a phone number. */
  phoneShare: 0.4,
} as const;

export function sampleShop(): SampleStoreShop {
  return { domain: SHOP_DOMAIN, name: 'Demo Outfitters', currency: SHOP_CURRENCY, timezone: 'America/New_York' };
}

const HOUR_MS = 3_600_000;
const MAX_ORDERS_PER_CUSTOMER = 500;
const CUSTOMER_ID_BASE = 7_000_000_000_000;
const CHECKOUT_ID_BASE = 30_000_000_000_000;

const asciiLower = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, '');
const FIRST_LOWER = FIRST_NAMES.map(asciiLower);
const LAST_LOWER = LAST_NAMES.map(asciiLower);
const COUNTRY_CUM = cumulativeWeights(COUNTRIES.map((c) => c.weight));
const REGION_CUM = COUNTRIES.map((c) => cumulativeWeights(c.regions.map((r) => r.weight)));
const HOUR_CUM = cumulativeWeights(LOCAL_HOUR_WEIGHTS);
/** Favourite categories: gift cards are nobody's favourite. */
const FAVOURITE_CUM = cumulativeWeights(CATEGORIES.map((c, i) => (c === 'Gift Cards' ? 0 : CATEGORY_WEIGHTS[i])));

function consent(rng: Random, subscribed: number, unsubscribed: number, pending: number): ConsentState {
  const u = rng.next();
  if (u < subscribed) return 'subscribed';
  if (u < subscribed + unsubscribed) return 'unsubscribed';
  if (u < subscribed + unsubscribed + pending) return 'pending';
  return 'not_subscribed';
}

function validate(options: SampleStoreOptions): Required<SampleStoreOptions> {
  const { customers, asOf } = options;
  const seed = options.seed ?? 1;
  const years = options.years ?? 3;
  const ordersPerCustomer = options.ordersPerCustomer ?? 4;
  if (!Number.isInteger(customers) || customers < 0) throw new Error(`customers must be a non-negative integer, got ${customers}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(years) || years < 1 || years > 50) throw new Error(`years must be an integer from 1 to 50, got ${years}`);
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw new Error('asOf must be a valid Date');
  if (!(ordersPerCustomer >= 1 && ordersPerCustomer <= 50)) {
    throw new Error(`ordersPerCustomer must be between 1 and 50, got ${ordersPerCustomer}`);
  }
  return { customers, seed, years, asOf, ordersPerCustomer };
}

/** Acquisition weight per day: growth times seasonality, pro-rated for the partial first and last days. */
function acquisitionTable(cal: StoreCalendar): Float64Array {
  const weights = new Float64Array(cal.days);
  const growth = Math.log(1 + MODEL.growthPerYear);
  let sum = 0;
  for (let d = 0; d < cal.days; d++) {
    const from = Math.max(cal.dayZeroMs + d * DAY_MS, cal.windowStartMs);
    const to = Math.min(cal.dayZeroMs + (d + 1) * DAY_MS, cal.asOfMs);
    const inside = Math.max(0, to - from) / DAY_MS;
    sum += inside * cal.demand[d] * Math.exp((growth * d * DAY_MS) / YEAR_MS);
    weights[d] = sum;
  }
  return weights;
}

/**
 * The Gamma scale of the purchase rate that makes the expected orders per buyer equal the target. Given
 * rate λ, dropout p and exposure T (first order to asOf), the expected orders are
 * 1 + (1 − p)/p · (1 − e^(−λpT)) (BG/NBD's E[X(t)] with a dropout chance after the first order too);
 * averaged over a fixed Monte Carlo sample of customers, it rises with the scale, so bisection finds it.
 */
export function calibrateRateScale(target: number, exposuresYears: Float64Array, seed: number): number {
  const rng = new Random(seed);
  const k = exposuresYears.length;
  const g = new Float64Array(k);
  const p = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    g[i] = rng.gamma(MODEL.rateShape);
    p[i] = rng.beta(MODEL.dropoutA, MODEL.dropoutB);
  }
  const mean = (scale: number): number => {
    let total = 0;
    for (let i = 0; i < k; i++) {
      const rate = Math.min(scale * g[i], MODEL.maxRatePerYear);
      total += 1 + ((1 - p[i]) / p[i]) * -Math.expm1(-rate * p[i] * exposuresYears[i]);
    }
    return total / k;
  };
  let lo = Math.log(1e-4);
  let hi = Math.log(1e4);
  for (let iter = 0; iter < 60; iter++) {
    const mid = (lo + hi) / 2;
    if (mean(Math.exp(mid)) < target) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

export function* generateSampleStore(options: SampleStoreOptions): Generator<SampleStoreBatch> {
  const { customers: total, seed, years, asOf, ordersPerCustomer } = validate(options);
  // Separate streams, so changing one part of the model does not reshuffle every other draw.
  const cal = buildCalendar(asOf, years, new Random(seed ^ 0x0ca1e0da));
  const rng = new Random(seed);
  const acquisition = acquisitionTable(cal);
  const acquisitionTotal = acquisition[cal.days - 1];
  const orders = new OrderBuilder(cal, rng, CHECKOUT_ID_BASE);

  // Exposure sample for calibration: the same acquisition and first-order delay as the real customers.
  const sampler = new Random(seed ^ 0x5a3b1e00);
  const exposures = new Float64Array(4096);
  for (let i = 0; i < exposures.length; i++) {
    let t = acquisitionMoment(sampler.weightedIndex(acquisition), sampler.next());
    if (sampler.chance(MODEL.newsletterFirstShare)) t += sampler.exponential(1 / (MODEL.newsletterDelayDays * DAY_MS));
    exposures[i] = Math.max(0, cal.asOfMs - t) / YEAR_MS;
  }
  const rateScale = calibrateRateScale(ordersPerCustomer, exposures, seed ^ 0x7e57ab1e);

  function acquisitionMoment(day: number, fraction: number): number {
    const from = Math.max(cal.dayZeroMs + day * DAY_MS, cal.windowStartMs);
    const to = Math.min(cal.dayZeroMs + (day + 1) * DAY_MS, cal.asOfMs);
    return from + fraction * (to - from);
  }

  /** A moment on day `day` at a plausible local hour; null when that falls outside [after, asOf). */
  function localMoment(day: number, utcOffset: number, after: number): number | null {
    const hour = rng.weightedIndex(HOUR_CUM);
    const t = Math.floor(cal.dayZeroMs + day * DAY_MS + (hour - utcOffset + rng.next()) * HOUR_MS);
    return t > after && t < cal.asOfMs && t >= cal.windowStartMs ? t : null;
  }

  const times = new Float64Array(MAX_ORDERS_PER_CUSTOMER);
  const forced = new Int16Array(MAX_ORDERS_PER_CUSTOMER);
  // One counter per numbering plan: the US and Canada share North America's (the last slot).
  const phoneCounters = new Int32Array(COUNTRIES.length + 1);
  let acquisitionDay = 0;
  let batch: SampleStoreBatch = { customers: [], orders: [], checkouts: [] };

  for (let i = 0; i < total; i++) {
    // Stratified sign-up: customer i gets the i-th slice of the acquisition distribution.
    const target = ((i + rng.next()) / total) * acquisitionTotal;
    while (acquisitionDay < cal.days - 1 && acquisition[acquisitionDay] <= target) acquisitionDay++;
    const countryIndex = rng.weightedIndex(COUNTRY_CUM);
    const country = COUNTRIES[countryIndex];
    const region = country.regions[rng.weightedIndex(REGION_CUM[countryIndex])];
    const createdAt =
      localMoment(acquisitionDay, region.utcOffset, cal.windowStartMs - 1) ?? acquisitionMoment(acquisitionDay, rng.next());

    const prospect = rng.chance(MODEL.prospectShare);
    const newsletterFirst = prospect || rng.chance(MODEL.newsletterFirstShare);
    const firstOrderAt = newsletterFirst
      ? createdAt + Math.floor(rng.exponential(1 / (MODEL.newsletterDelayDays * DAY_MS)))
      : createdAt + Math.floor((1 + 19 * rng.next()) * 60_000); // the account is created at checkout
    const whale = rng.chance(MODEL.whaleShare);
    const shopper: Shopper = {
      favourite: rng.weightedIndex(FAVOURITE_CUM),
      orderValueCents:
        MODEL.medianOrderValueCents * rng.lognormal(0, MODEL.orderValueSigma) * (whale ? rng.lognormal(1.6, 0.3) : 1),
      couponHunter: rng.chance(MODEL.couponHunterShare),
      fullPrice: false,
      returnsProne: rng.chance(MODEL.returnsProneShare),
      wholesale: rng.chance(MODEL.wholesaleShare),
      emailSubscribed: false,
      zone: country.zone,
      country: country.code,
      customerId: String(CUSTOMER_ID_BASE + i + 1),
    };
    shopper.fullPrice = !shopper.couponHunter && rng.chance(MODEL.fullPriceShare);
    const trendFollower = rng.chance(MODEL.trendFollowerShare);
    const rate = Math.min(rateScale * rng.gamma(MODEL.rateShape), MODEL.maxRatePerYear) * (shopper.wholesale ? 2 : 1);
    const dropout = rng.beta(MODEL.dropoutA, MODEL.dropoutB);

    // Contact details and consent. Newsletter sign-ups are subscribed by definition of how they arrived.
    const hasAddress = !prospect || rng.chance(0.5);
    const first = rng.int(FIRST_NAMES.length);
    const last = rng.int(LAST_NAMES.length);
    const named = !prospect || rng.chance(0.6);
    const phone = hasAddress && country.phone !== null && rng.chance(MODEL.phoneShare)
      ? phoneNumber(country, phoneCounters[country.phone === 'nanp' ? COUNTRIES.length : countryIndex]++)
      : null;
    const smsOnly = phone !== null && rng.chance(0.04);
    const email = smsOnly ? null : `${FIRST_LOWER[first]}.${LAST_LOWER[last]}+${i + 1}@${rng.pick(EMAIL_DOMAINS)}`;
    const emailConsent: ConsentState =
      email === null ? 'not_subscribed' : newsletterFirst ? consent(rng, 0.9, 0.07, 0.01) : consent(rng, 0.5, 0.11, 0.01);
    const smsConsent: ConsentState = phone === null ? 'not_subscribed' : consent(rng, smsOnly ? 0.9 : 0.57, 0.1, 0);
    shopper.emailSubscribed = emailConsent === 'subscribed';

    // Order moments: first order, then a thinned Poisson process until dropout or asOf.
    let n = 0;
    let aliveUntil = cal.asOfMs;
    if (!prospect && firstOrderAt < cal.asOfMs) {
      times[n] = firstOrderAt;
      forced[n++] = -1;
      let t = firstOrderAt;
      let alive = !rng.chance(dropout);
      if (!alive) aliveUntil = firstOrderAt;
      const candidateRate = (rate * cal.maxDemand) / YEAR_MS;
      while (alive && n < MAX_ORDERS_PER_CUSTOMER) {
        t += rng.exponential(candidateRate);
        if (t >= cal.asOfMs) break;
        const day = Math.floor((t - cal.dayZeroMs) / DAY_MS);
        if (rng.next() * cal.maxDemand >= cal.demand[day]) continue;
        // Keep moments strictly increasing: a local evening may land after the next process moment.
        let at = localMoment(day, region.utcOffset, times[n - 1]) ?? t;
        if (at <= times[n - 1]) at = times[n - 1] + 60_000;
        if (at >= cal.asOfMs) break;
        times[n] = at;
        forced[n++] = -1;
        if (rng.chance(dropout)) {
          alive = false;
          aliveUntil = t;
        }
      }
      // Trend followers buy new launches within days, while they are still customers.
      if (trendFollower) {
        for (const launch of cal.launches) {
          if (launch.atMs <= firstOrderAt || launch.atMs >= aliveUntil || n >= MAX_ORDERS_PER_CUSTOMER) continue;
          if (!rng.chance(0.6)) continue;
          const at = launch.atMs + Math.floor(rng.exponential(1 / (2 * DAY_MS)));
          if (at >= cal.asOfMs) continue;
          // Insert in time order (lists are short).
          let k = n++;
          while (k > 0 && times[k - 1] > at) {
            times[k] = times[k - 1];
            forced[k] = forced[k - 1];
            k--;
          }
          times[k] = at;
          forced[k] = launch.product;
        }
      }
    }

    let spentCents = 0;
    let vip = false;
    for (let j = 0; j < n; j++) {
      const gapDays = j === 0 ? 0 : (times[j] - times[j - 1]) / DAY_MS;
      const order = orders.build(shopper, times[j], j, gapDays, vip, forced[j]);
      batch.orders.push(order);
      spentCents += Math.round((order.totalPrice - order.totalRefunded) * 100);
      // The merchant tags big spenders VIP; from then on they get the VIP20 code.
      if (!vip && j >= 2 && spentCents >= MODEL.vipSpendCents) vip = true;
    }

    // Abandoned checkouts: a third of prospects; buyers in proportion to how often they shop.
    const checkouts = n === 0 ? (rng.chance(0.3) ? 1 + (rng.chance(0.25) ? 1 : 0) : 0) : Math.min(4, rng.poisson(0.12 + 0.06 * n));
    const from = n === 0 ? createdAt : times[0];
    const to = Math.min(cal.asOfMs, aliveUntil + 60 * DAY_MS);
    for (let c = 0; c < checkouts; c++) {
      const at = Math.floor(from + rng.next() * (to - from));
      batch.checkouts.push(orders.abandonedCheckout(shopper, at, email));
    }

    const tags: string[] = [];
    if (newsletterFirst) tags.push('newsletter');
    if (smsOnly) tags.push('sms-signup');
    if (vip) tags.push('vip');
    if (shopper.wholesale) tags.push('wholesale');
    batch.customers.push({
      customerId: shopper.customerId,
      email,
      phone,
      firstName: named ? FIRST_NAMES[first] : null,
      lastName: named ? LAST_NAMES[last] : null,
      country: hasAddress ? country.code : null,
      province: hasAddress ? region.province : null,
      timezone: hasAddress ? region.timezone : null,
      tags,
      emailConsent,
      smsConsent,
      createdAt: new Date(createdAt),
    });

    if (batch.customers.length === SAMPLE_BATCH_SIZE) {
      yield batch;
      batch = { customers: [], orders: [], checkouts: [] };
    }
  }
  if (batch.customers.length > 0) yield batch;
}
