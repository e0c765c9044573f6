import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../store/store-records';
import { blackFriday, buildCalendar, DAY_MS } from './calendar';
import { CATEGORIES, PRODUCTS } from './catalogue';
import { Random } from './random';
import { generateSampleStore, SAMPLE_BATCH_SIZE, type SampleStoreOptions, sampleShop } from './sample-store';

const asOf = new Date('2025-06-01T00:00:00Z');
const windowStartMs = Date.parse('2022-06-01T00:00:00Z');

interface Store {
  customers: CustomerRecord[];
  orders: OrderRecord[];
  checkouts: CheckoutRecord[];
  ordersByCustomer: Map<string, OrderRecord[]>;
}

function collect(options: SampleStoreOptions): Store {
  const store: Store = { customers: [], orders: [], checkouts: [], ordersByCustomer: new Map() };
  for (const batch of generateSampleStore(options)) {
    store.customers.push(...batch.customers);
    store.orders.push(...batch.orders);
    store.checkouts.push(...batch.checkouts);
  }
  for (const order of store.orders) {
    const list = store.ordersByCustomer.get(order.customerId!) ?? [];
    list.push(order);
    store.ordersByCustomer.set(order.customerId!, list);
  }
  return store;
}

const cents = (amount: number): number => Math.round(amount * 100);
const share = <T>(items: T[], test: (item: T) => boolean): number => items.filter(test).length / items.length;

describe('sampleShop', () => {
  it('describes the demo shop', () => {
    expect(sampleShop()).toEqual({
      domain: 'demo-outfitters.myshopify.com',
      name: 'Demo Outfitters',
      currency: 'USD',
      timezone: 'America/New_York',
    });
  });
});

describe('generateSampleStore: contract', () => {
  it('is deterministic: same seed and options give byte-identical output, another seed does not', () => {
    const run = (seed: number) => JSON.stringify([...generateSampleStore({ customers: 1500, seed, asOf })]);
    const first = run(7);
    expect(run(7)).toBe(first);
    expect(run(8)).not.toBe(first);
  });

  it('yields batches of 1,000 customers, each with all of its customers’ orders and checkouts', () => {
    const batches = [...generateSampleStore({ customers: 2500, asOf })];
    expect(batches.map((b) => b.customers.length)).toEqual([SAMPLE_BATCH_SIZE, SAMPLE_BATCH_SIZE, 500]);
    for (const batch of batches) {
      const ids = new Set(batch.customers.map((c) => c.customerId));
      for (const order of batch.orders) expect(ids.has(order.customerId!)).toBe(true);
      for (const checkout of batch.checkouts) expect(ids.has(checkout.customerId!)).toBe(true);
    }
  });

  it('yields nothing for zero customers and rejects bad options', () => {
    expect([...generateSampleStore({ customers: 0, asOf })]).toEqual([]);
    expect(() => generateSampleStore({ customers: -1, asOf }).next()).toThrow(/customers/);
    expect(() => generateSampleStore({ customers: 10, asOf: new Date('nope') }).next()).toThrow(/asOf/);
    expect(() => generateSampleStore({ customers: 10, asOf, years: 0 }).next()).toThrow(/years/);
    expect(() => generateSampleStore({ customers: 10, asOf, ordersPerCustomer: 0.5 }).next()).toThrow(/ordersPerCustomer/);
  });

  it('honours years and ordersPerCustomer', () => {
    const store = collect({ customers: 5000, asOf, years: 1, ordersPerCustomer: 2 });
    const start = Date.parse('2024-06-01T00:00:00Z');
    for (const order of store.orders) expect(order.createdAt.getTime()).toBeGreaterThanOrEqual(start);
    const perBuyer = store.orders.length / store.ordersByCustomer.size;
    expect(perBuyer).toBeGreaterThan(1.8);
    expect(perBuyer).toBeLessThan(2.25);
  });
});

describe('generateSampleStore: a 5,000-customer store', () => {
  let store: Store;
  let buyers: OrderRecord[][];
  beforeAll(() => {
    store = collect({ customers: 5000, seed: 1, asOf });
    buyers = [...store.ordersByCustomer.values()];
  });

  it('has unique Shopify-like ids, order names, emails and phones', () => {
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    expect(store.customers).toHaveLength(5000);
    expect(store.customers.every((c) => /^\d{13}$/.test(c.customerId))).toBe(true);
    expect(store.orders.every((o) => /^\d{13}$/.test(o.orderId) && /^#\d{4,}$/.test(o.name!))).toBe(true);
    expect(unique(store.customers.map((c) => c.customerId))).toBe(true);
    expect(unique(store.orders.map((o) => o.orderId))).toBe(true);
    expect(unique(store.orders.map((o) => o.name))).toBe(true);
    expect(unique(store.checkouts.map((c) => c.checkoutId))).toBe(true);
    const emails = store.customers.flatMap((c) => (c.email ? [c.email] : []));
    expect(emails.length).toBeGreaterThan(4800);
    expect(unique(emails)).toBe(true);
    expect(emails.every((e) => /^[a-z]+\.[a-z]+\+\d+@example\.(com|org)$/.test(e))).toBe(true);
    const phones = store.customers.flatMap((c) => (c.phone ? [c.phone] : []));
    expect(unique(phones)).toBe(true);
    expect(phones.every((p) => /^\+[1-9]\d{9,13}$/.test(p))).toBe(true);
    expect(phones.filter((p) => p.startsWith('+1')).every((p) => /^\+1[2-9]\d{2}5550\d{3}$/.test(p))).toBe(true);
  });

  it('places every moment inside [asOf − 3 years, asOf), orders after the customer signed up', () => {
    const created = new Map(store.customers.map((c) => [c.customerId, c.createdAt!.getTime()]));
    for (const c of store.customers) {
      expect(c.createdAt!.getTime()).toBeGreaterThanOrEqual(windowStartMs);
      expect(c.createdAt!.getTime()).toBeLessThan(asOf.getTime());
    }
    for (const o of store.orders) {
      expect(o.createdAt.getTime()).toBeGreaterThanOrEqual(created.get(o.customerId!)!);
      expect(o.createdAt.getTime()).toBeLessThan(asOf.getTime());
      if (o.cancelledAt) {
        expect(o.cancelledAt.getTime()).toBeGreaterThanOrEqual(o.createdAt.getTime());
        expect(o.cancelledAt.getTime()).toBeLessThan(asOf.getTime());
      }
    }
  });

  it('adds up: lines, discounts, subtotal, shipping and total agree to the cent', () => {
    const rule: Record<string, [number, number]> = { US: [7500, 695], CA: [15000, 1495] };
    for (const o of store.orders) {
      expect(o.lines.length).toBeGreaterThan(0);
      expect(o.lines.map((l) => l.lineNo)).toEqual(o.lines.map((_, i) => i + 1));
      const gross = o.lines.reduce((sum, l) => sum + l.quantity * cents(l.price), 0);
      const discount = o.lines.reduce((sum, l) => sum + cents(l.discountAmount), 0);
      expect(cents(o.totalDiscounts)).toBe(discount);
      expect(cents(o.subtotal)).toBe(gross - discount);
      const giftOnly = o.lines.every((l) => l.productType === 'Gift Cards');
      const [freeFrom, flat] = rule[o.shippingCountry!] ?? [20000, 1995];
      const shipping = giftOnly || cents(o.subtotal) >= freeFrom ? 0 : flat;
      expect(cents(o.totalPrice)).toBe(cents(o.subtotal) + shipping);
      expect(o.discountCodes.length > 0).toBe(discount > 0);
      for (const l of o.lines) {
        if (l.compareAtPrice !== null) expect(l.compareAtPrice).toBeGreaterThan(l.price);
        if (l.productType === 'Gift Cards') expect([l.compareAtPrice, l.discountAmount]).toEqual([null, 0]);
      }
    }
  });

  it('has many one-time buyers, repeat buyers and a loyal core (about 4 orders per buyer)', () => {
    const counts = buyers.map((orders) => orders.length);
    expect(share(counts, (n) => n === 1)).toBeGreaterThan(0.5);
    expect(share(counts, (n) => n === 1)).toBeLessThan(0.6);
    expect(share(counts, (n) => n >= 2 && n <= 4)).toBeGreaterThan(0.2);
    expect(share(counts, (n) => n >= 10)).toBeGreaterThan(0.05);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(mean).toBeGreaterThan(3.6);
    expect(mean).toBeLessThan(4.4);
  });

  it('has ~15% prospects, some of them with abandoned checkouts', () => {
    const prospects = store.customers.filter((c) => !store.ordersByCustomer.has(c.customerId));
    expect(prospects.length / store.customers.length).toBeGreaterThan(0.12);
    expect(prospects.length / store.customers.length).toBeLessThan(0.18);
    const withCheckout = new Set(store.checkouts.map((c) => c.customerId));
    expect(share(prospects, (c) => withCheckout.has(c.customerId))).toBeGreaterThan(0.15);
    expect(share(buyers, (orders) => withCheckout.has(orders[0].customerId))).toBeGreaterThan(0.1);
  });

  it('has heavy-tailed spend: the top 1% of buyers bring over 10% of revenue, a few whales', () => {
    const spend = buyers
      .map((orders) => orders.reduce((sum, o) => sum + cents(o.totalPrice) - cents(o.totalRefunded), 0))
      .sort((a, b) => b - a);
    const total = spend.reduce((a, b) => a + b, 0);
    const top = spend.slice(0, Math.ceil(spend.length / 100)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.1);
    expect(spend[0]).toBeGreaterThan(20 * spend[Math.floor(spend.length / 2)]);
    // Order values vary a lot between customers too (lognormal), not just through frequency.
    const aov = buyers.map((orders) => orders.reduce((s, o) => s + o.totalPrice, 0) / orders.length).sort((a, b) => a - b);
    expect(aov[Math.floor(aov.length * 0.95)]).toBeGreaterThan(3 * aov[Math.floor(aov.length * 0.25)]);
  });

  it('is seasonal: the BFCM peak, a busy November-December, a summer dip', () => {
    const perDay = (test: (d: Date) => boolean, days: number) => store.orders.filter((o) => test(o.createdAt)).length / days;
    const average = store.orders.length / ((asOf.getTime() - windowStartMs) / DAY_MS);
    const bfcm = [2022, 2023, 2024].map(blackFriday);
    const inBfcm = (d: Date) => bfcm.some((bf) => d.getTime() >= bf && d.getTime() < bf + 4 * DAY_MS);
    expect(perDay(inBfcm, 12)).toBeGreaterThan(2 * average);
    const month = (d: Date) => d.getUTCMonth();
    // Compare within the same twelve months so customer growth does not blur seasonality.
    const year = (from: string, to: string, test: (d: Date) => boolean) =>
      store.orders.filter((o) => o.createdAt >= new Date(from) && o.createdAt < new Date(to) && test(o.createdAt)).length;
    const novDec = year('2023-06-01', '2024-06-01', (d) => month(d) >= 10) / 61;
    const summer = year('2023-06-01', '2024-06-01', (d) => month(d) >= 5 && month(d) <= 7) / 92;
    const rest = year('2023-06-01', '2024-06-01', (d) => month(d) < 5 || (month(d) > 7 && month(d) < 10)) / 213;
    expect(novDec).toBeGreaterThan(1.3 * rest);
    expect(summer).toBeLessThan(rest);
  });

  it('acquires customers over all three years, with growth', () => {
    const signedUp = (from: string, to: string) =>
      store.customers.filter((c) => c.createdAt! >= new Date(from) && c.createdAt! < new Date(to)).length;
    const first = signedUp('2022-06-01', '2023-06-01');
    const last = signedUp('2024-06-01', '2025-06-01');
    expect(first).toBeGreaterThan(store.customers.length * 0.15);
    expect(last).toBeGreaterThan(1.5 * first);
  });

  it('sells the ~60-product catalogue across its 8 categories, with sizes, quantities and markdowns mostly in sales', () => {
    const lines = store.orders.flatMap((o) => o.lines.map((line) => ({ line, at: o.createdAt })));
    expect(PRODUCTS.length).toBeGreaterThanOrEqual(55);
    expect(new Set(lines.map((l) => l.line.productType))).toEqual(new Set(CATEGORIES));
    expect(new Set(lines.map((l) => l.line.productId)).size).toBe(PRODUCTS.length);
    expect(share(lines, (l) => l.line.quantity > 1)).toBeGreaterThan(0.05);
    expect(new Set(lines.filter((l) => l.line.productType === 'Apparel').map((l) => l.line.sku)).size).toBeGreaterThan(30);
    const cal = buildCalendar(asOf, 3, new Random(0));
    const onSale = (at: Date) => cal.saleDay[Math.floor((at.getTime() - cal.dayZeroMs) / DAY_MS)] === 1;
    const markedDown = lines.filter((l) => l.line.compareAtPrice !== null);
    expect(markedDown.length / lines.length).toBeGreaterThan(0.05);
    const saleRate = share(lines.filter((l) => onSale(l.at)), (l) => l.line.compareAtPrice !== null);
    const otherRate = share(lines.filter((l) => !onSale(l.at)), (l) => l.line.compareAtPrice !== null);
    expect(saleRate).toBeGreaterThan(4 * otherRate);
  });

  it('never sells a product before its launch, and trend followers make a launch-week spike', () => {
    const cal = buildCalendar(asOf, 3, new Random(0));
    let launchWeek = 0;
    let laterWeeks = 0;
    for (const launch of cal.launches) {
      const productId = PRODUCTS[launch.product].productId;
      const sold = store.orders.filter((o) => o.lines.some((l) => l.productId === productId)).map((o) => o.createdAt.getTime());
      // Products are on sale from the start of their launch day (UTC), a few hours before the 15:00 announcement.
      expect(Math.min(...sold)).toBeGreaterThanOrEqual(launch.atMs - DAY_MS);
      launchWeek += sold.filter((t) => t < launch.atMs + 7 * DAY_MS).length;
      laterWeeks += sold.filter((t) => t >= launch.atMs + 7 * DAY_MS && t < launch.atMs + 63 * DAY_MS).length / 8;
    }
    expect(launchWeek).toBeGreaterThan(2 * laterWeeks);
  });

  it('uses discount codes, with a minority of coupon hunters and of full-price buyers', () => {
    const codes = new Set(store.orders.flatMap((o) => o.discountCodes));
    expect(codes).toEqual(new Set(['WELCOME10', 'BFCM25', 'SPRING15', 'SUMMER20', 'VIP20', 'WINBACK15', 'FRIENDS10']));
    const withCode = share(store.orders, (o) => o.discountCodes.length > 0);
    expect(withCode).toBeGreaterThan(0.12);
    expect(withCode).toBeLessThan(0.4);
    const regulars = buyers.filter((orders) => orders.length >= 4);
    const hunters = share(regulars, (orders) => share(orders, (o) => o.discountCodes.length > 0) >= 0.6);
    expect(hunters).toBeGreaterThan(0.05);
    expect(hunters).toBeLessThan(0.3);
    const fullPrice = share(regulars, (orders) =>
      orders.every((o) => o.discountCodes.length === 0 && o.lines.every((l) => l.compareAtPrice === null)),
    );
    expect(fullPrice).toBeGreaterThan(0.1);
    const bfcm = store.orders.filter((o) => o.discountCodes[0] === 'BFCM25');
    expect(bfcm.every((o) => o.createdAt.getUTCMonth() >= 10)).toBe(true);
  });

  it('has realistic payment outcomes and a returns-prone minority', () => {
    const status = (s: string) => share(store.orders, (o) => o.financialStatus === s);
    expect(status('paid')).toBeGreaterThan(0.82);
    expect(status('partially_refunded')).toBeGreaterThan(0.03);
    expect(status('partially_refunded')).toBeLessThan(0.1);
    expect(status('refunded')).toBeGreaterThan(0.015);
    expect(status('refunded')).toBeLessThan(0.07);
    expect(status('pending')).toBeGreaterThan(0);
    expect(status('voided')).toBeGreaterThan(0);
    const cancelled = store.orders.filter((o) => o.cancelledAt !== null);
    expect(cancelled.length / store.orders.length).toBeGreaterThan(0.005);
    expect(cancelled.length / store.orders.length).toBeLessThan(0.03);
    for (const o of store.orders) {
      const total = cents(o.totalPrice);
      const refunded = cents(o.totalRefunded);
      if (o.cancelledAt) expect(['voided', 'refunded']).toContain(o.financialStatus);
      if (o.financialStatus === 'refunded') expect(refunded).toBe(total);
      else if (o.financialStatus === 'partially_refunded') {
        expect(refunded).toBeGreaterThan(0);
        expect(refunded).toBeLessThan(total);
      } else expect(refunded).toBe(0);
    }
    const returned = (o: OrderRecord) => o.financialStatus === 'refunded' || o.financialStatus === 'partially_refunded';
    const prone = share(buyers.filter((orders) => orders.length >= 4), (orders) => share(orders, returned) >= 0.5);
    expect(prone).toBeGreaterThan(0.01);
    expect(prone).toBeLessThan(0.15);
  });

  it('spreads customers over countries, with provinces and time zones that fit the country', () => {
    const located = store.customers.filter((c) => c.country !== null);
    expect(share(located, (c) => c.country === 'US')).toBeGreaterThan(0.5);
    expect(share(located, (c) => c.country === 'US')).toBeLessThan(0.7);
    expect(new Set(located.map((c) => c.country)).size).toBeGreaterThanOrEqual(8);
    const zonePrefix: Record<string, RegExp> = {
      US: /^(America\/|Pacific\/Honolulu$)/, CA: /^America\//, GB: /^Europe\/London$/, AU: /^Australia\//,
      DE: /^Europe\/Berlin$/, FR: /^Europe\/Paris$/, NL: /^Europe\/Amsterdam$/, IE: /^Europe\/Dublin$/,
      SE: /^Europe\/Stockholm$/, NZ: /^Pacific\/Auckland$/,
    };
    for (const c of located) expect(c.timezone).toMatch(zonePrefix[c.country!]);
    const us = located.filter((c) => c.country === 'US');
    expect(us.every((c) => c.province !== null)).toBe(true);
    expect(new Set(us.map((c) => c.timezone)).size).toBeGreaterThanOrEqual(5);
    expect(share(us, (c) => c.timezone === 'America/New_York')).toBeGreaterThan(0.3);
    for (const o of store.orders) expect(o.shippingCountry).not.toBeNull();
  });

  it('places orders mostly in the customer’s waking hours', () => {
    const zone = new Map(store.customers.map((c) => [c.customerId, c.timezone]));
    const formatters = new Map<string, Intl.DateTimeFormat>();
    const localHour = (at: Date, tz: string) => {
      let f = formatters.get(tz);
      if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: 'numeric', hourCycle: 'h23' })));
      return Number(f.format(at));
    };
    const sample = store.orders.filter((_, i) => i % 3 === 0);
    expect(share(sample, (o) => localHour(o.createdAt, zone.get(o.customerId!)!) >= 8)).toBeGreaterThan(0.8);
  });

  it('has email (~60%) and SMS (~20%) consent, SMS only with a phone', () => {
    const emailSubscribed = share(store.customers, (c) => c.emailConsent === 'subscribed');
    expect(emailSubscribed).toBeGreaterThan(0.55);
    expect(emailSubscribed).toBeLessThan(0.7);
    expect(share(store.customers, (c) => c.emailConsent === 'unsubscribed')).toBeGreaterThan(0.03);
    const smsSubscribed = share(store.customers, (c) => c.smsConsent === 'subscribed');
    expect(smsSubscribed).toBeGreaterThan(0.15);
    expect(smsSubscribed).toBeLessThan(0.25);
    for (const c of store.customers) {
      if (c.smsConsent !== 'not_subscribed') expect(c.phone).not.toBeNull();
      if (c.email === null) expect(c.emailConsent).toBe('not_subscribed');
    }
  });

  it('tags newsletter sign-ups, a few VIPs and wholesale accounts', () => {
    const tagged = (tag: string) => share(store.customers, (c) => c.tags.includes(tag));
    expect(tagged('newsletter')).toBeGreaterThan(0.15);
    expect(tagged('vip')).toBeGreaterThan(0.005);
    expect(tagged('vip')).toBeLessThan(0.06);
    expect(tagged('wholesale')).toBeGreaterThan(0);
    expect(tagged('wholesale')).toBeLessThan(0.01);
    for (const c of store.customers.filter((c) => c.tags.includes('vip'))) {
      expect(store.ordersByCustomer.get(c.customerId)!.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('makes abandoned checkouts with categories and recovery URLs', () => {
    expect(store.checkouts.length).toBeGreaterThan(500);
    for (const c of store.checkouts) {
      expect(c.completedAt).toBeNull();
      expect(c.recoveryUrl).toMatch(/^https:\/\/demo-outfitters\.myshopify\.com\/checkouts\/[0-9a-f]{32}\/recover$/);
      expect(c.categories.length).toBeGreaterThan(0);
      for (const category of c.categories) expect(CATEGORIES).toContain(category);
      expect(c.totalPrice).toBeGreaterThan(0);
      expect(c.createdAt.getTime()).toBeLessThan(asOf.getTime());
    }
    expect(store.checkouts.filter((c) => c.createdAt.getTime() > asOf.getTime() - 30 * DAY_MS).length).toBeGreaterThan(10);
  });
});
