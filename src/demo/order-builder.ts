/**
 * Turns "customer X orders at moment T" into a complete OrderRecord (lines, markdowns, discount code,
 * shipping, payment outcome) and makes abandoned checkouts. Split from sample-store.ts, which decides who
 * orders when; this file decides what an order looks like. All money is integer cents until the record is
 * written, so subtotal, discounts, shipping and total agree exactly.
 */
import type { CheckoutRecord, FinancialStatus, OrderLineRecord, OrderRecord } from '../store/store-records';
import { DAY_MS, SEASONAL_CODES, type StoreCalendar } from './calendar';
import {
  CATEGORY_WEIGHTS, CODES, type DiscountCode, PRODUCTS, PRODUCTS_BY_CATEGORY, SHOP_CURRENCY, SHOP_DOMAIN,
  type ShippingZone,
} from './catalogue';
import { cumulativeWeights, type Random } from './random';

/** What the order builder needs to know about the customer placing the order. */
export interface Shopper {
  customerId: string;
  /** Index into CATEGORIES of the category most of their lines come from. */
  favourite: number;
  /** Typical order value in cents (lognormal across customers; whales far out). */
  orderValueCents: number;
  couponHunter: boolean;
  fullPrice: boolean;
  returnsProne: boolean;
  wholesale: boolean;
  emailSubscribed: boolean;
  zone: ShippingZone;
  country: string;
}

const ORDER_ID_BASE = 5_000_000_000_000;
const FIRST_ORDER_NUMBER = 1001;
const HOUR_MS = 3_600_000;
const MAX_LINES = 12;
/** Share of a shopper's line picks that come from their favourite category. */
const FAVOURITE_AFFINITY = 0.55;

/** [free-shipping threshold, flat rate] in cents, on merchandise after discounts. */
const SHIPPING: Record<ShippingZone, readonly [number, number]> = {
  domestic: [7500, 695],
  canada: [15000, 1495],
  international: [20000, 1995],
};

const P = PRODUCTS.length;
// The whole catalogue: each category gets its share, split among its products by popularity.
const GLOBAL_CUM = cumulativeWeights(
  PRODUCTS.map((product) => {
    const c = PRODUCTS_BY_CATEGORY.findIndex((members) => members.some((i) => PRODUCTS[i] === product));
    const popularityInCategory = PRODUCTS_BY_CATEGORY[c].reduce((sum, i) => sum + PRODUCTS[i].popularity, 0);
    return (CATEGORY_WEIGHTS[c] * product.popularity) / popularityInCategory;
  }),
);
const CATEGORY_CUM = PRODUCTS_BY_CATEGORY.map((members) => cumulativeWeights(members.map((i) => PRODUCTS[i].popularity)));

export class OrderBuilder {
  private orderSeq = 0;
  private checkoutSeq = 0;
  // Scratch per order, reused so the hot loop allocates only the records it returns.
  private readonly used = new Int16Array(MAX_LINES);
  private readonly lineNet = new Int32Array(MAX_LINES);
  private readonly lineQty = new Int32Array(MAX_LINES);

  constructor(
    private readonly cal: StoreCalendar,
    private readonly rng: Random,
    private readonly checkoutIdBase: number,
  ) {}

  /** A product the shopper might pick: favourite category first, otherwise the catalogue by popularity. */
  private pickProduct(favourite: number): number {
    const rng = this.rng;
    if (rng.next() < FAVOURITE_AFFINITY) return PRODUCTS_BY_CATEGORY[favourite][rng.weightedIndex(CATEGORY_CUM[favourite])];
    return rng.weightedIndex(GLOBAL_CUM);
  }

  private chooseCode(s: Shopper, day: number, index: number, gapDays: number, vip: boolean): DiscountCode | null {
    const rng = this.rng;
    if (s.fullPrice || s.wholesale) return null;
    if (index === 0 && s.emailSubscribed && rng.chance(s.couponHunter ? 0.9 : 0.4)) return CODES.WELCOME10;
    if (vip && rng.chance(0.4)) return CODES.VIP20;
    if (gapDays >= 150 && rng.chance(0.35)) return CODES.WINBACK15;
    const seasonal = this.cal.seasonalCode[day];
    if (seasonal >= 0 && rng.chance(s.couponHunter ? 0.9 : 0.4)) return SEASONAL_CODES[seasonal];
    if (s.couponHunter && rng.chance(0.75)) return CODES.FRIENDS10;
    return null;
  }

  /**
   * The shopper's `index`-th order (0 = first) at moment `at`. `forcedProduct` (or -1) is a launch the
   * shopper came for; it becomes the first line.
   */
  build(s: Shopper, at: number, index: number, gapDays: number, vip: boolean, forcedProduct: number): OrderRecord {
    const rng = this.rng;
    const cal = this.cal;
    const day = Math.floor((at - cal.dayZeroMs) / DAY_MS);
    const markdownRow = cal.event[day] * P;
    const code = this.chooseCode(s, day, index, gapDays, vip);
    const target = s.orderValueCents * rng.lognormal(-0.08, 0.4);
    const maxLines = s.orderValueCents > 40000 ? MAX_LINES : 8;

    const lines: OrderLineRecord[] = [];
    let gross = 0;
    let discount = 0;
    let giftOnly = true;
    let attempts = 0;
    while (lines.length < maxLines && (lines.length === 0 || gross < target)) {
      attempts++;
      let p = lines.length === 0 && forcedProduct >= 0 ? forcedProduct : this.pickProduct(s.favourite);
      if (attempts > 40) {
        if (lines.length > 0) break;
        p = 0; // never reached in practice; guarantees an order has a line
      } else {
        if (cal.launchDay[p] > day || this.alreadyInOrder(p, lines.length)) continue;
        // Full-price buyers walk past the sale rack (but still come for a launch).
        if (s.fullPrice && cal.markdownPrice[markdownRow + p] > 0 && p !== forcedProduct) continue;
      }
      const product = PRODUCTS[p];
      const markdown = cal.markdownPrice[markdownRow + p];
      const price = markdown > 0 ? markdown : product.priceCents;
      const u = rng.next();
      const quantity = product.giftCard ? 1 : s.wholesale ? 4 + rng.int(12) : u < 0.88 ? 1 : u < 0.97 ? 2 : 3;
      const lineCents = quantity * price;
      // Codes apply to full-price merchandise only: not to gift cards, not on top of a markdown.
      const lineDiscount = code !== null && !product.giftCard && markdown === 0 ? Math.round((lineCents * code.percent) / 100) : 0;
      const k = lines.length;
      this.used[k] = p;
      this.lineNet[k] = lineCents - lineDiscount;
      this.lineQty[k] = quantity;
      gross += lineCents;
      discount += lineDiscount;
      if (!product.giftCard) giftOnly = false;
      lines.push({
        lineNo: k + 1,
        productId: product.productId,
        sku: product.skus.length === 1 ? product.skus[0] : product.skus[rng.int(product.skus.length)],
        title: product.title,
        productType: product.productType,
        quantity,
        price: price / 100,
        compareAtPrice: markdown > 0 ? product.priceCents / 100 : null,
        discountAmount: lineDiscount / 100,
      });
    }

    const merchandise = gross - discount;
    const [freeFrom, flatRate] = SHIPPING[s.zone];
    const shipping = giftOnly || merchandise >= freeFrom ? 0 : flatRate;
    const total = merchandise + shipping;

    // Payment outcome. Returns take a week to come back, so recent orders are not refunded yet.
    const ageDays = (cal.asOfMs - at) / DAY_MS;
    let status: FinancialStatus = 'paid';
    let refunded = 0;
    let cancelledAt: Date | null = null;
    const u = rng.next();
    if (u < 0.015) {
      cancelledAt = new Date(Math.min(at + Math.floor((0.5 + 36 * rng.next()) * HOUR_MS), cal.asOfMs - 1));
      if (rng.chance(0.6)) status = 'voided';
      else {
        status = 'refunded';
        refunded = total;
      }
    } else if (ageDays < 3 && u < 0.075) {
      status = rng.chance(0.5) ? 'pending' : 'authorized';
    } else if (u < 0.019) {
      status = 'pending'; // an unpaid manual or bank-transfer order
    } else if (u < 0.021) {
      status = 'voided';
    } else if (u < 0.022) {
      status = 'expired';
    } else if (u < 0.023) {
      status = 'partially_paid';
    } else if (ageDays >= 7 && !giftOnly) {
      const v = rng.next();
      const full = s.returnsProne ? 0.12 : 0.025;
      const partial = s.returnsProne ? 0.2 : 0.05;
      if (v < full) {
        status = 'refunded';
        refunded = total;
      } else if (v < full + partial) {
        status = 'partially_refunded';
        refunded = this.partialRefund(lines, total);
      }
    }

    const seq = this.orderSeq++;
    return {
      orderId: String(ORDER_ID_BASE + seq + 1),
      name: `#${FIRST_ORDER_NUMBER + seq}`,
      customerId: s.customerId,
      createdAt: new Date(at),
      financialStatus: status,
      cancelledAt,
      currency: SHOP_CURRENCY,
      subtotal: merchandise / 100,
      totalDiscounts: discount / 100,
      totalPrice: total / 100,
      totalRefunded: refunded / 100,
      discountCodes: code !== null && discount > 0 ? [code.code] : [],
      shippingCountry: s.country,
      lines,
    };
  }

  private alreadyInOrder(p: number, count: number): boolean {
    for (let k = 0; k < count; k++) if (this.used[k] === p) return true;
    return false;
  }

  /** One returned unit of a merchandise line, or a price adjustment when that would refund everything. */
  private partialRefund(lines: OrderLineRecord[], total: number): number {
    const rng = this.rng;
    let k = rng.int(lines.length);
    if (PRODUCTS[this.used[k]].giftCard) k = this.used.subarray(0, lines.length).findIndex((p) => !PRODUCTS[p].giftCard);
    let amount = Math.round(this.lineNet[k] / this.lineQty[k]);
    if (amount >= total) amount = Math.round(total * (0.2 + 0.3 * rng.next()));
    return Math.min(Math.max(amount, 1), total - 1);
  }

  /** An abandoned checkout of one to three products the shopper likes, with Shopify's recovery URL shape. */
  abandonedCheckout(s: Shopper, at: number, email: string | null): CheckoutRecord {
    const rng = this.rng;
    const day = Math.floor((at - this.cal.dayZeroMs) / DAY_MS);
    const markdownRow = this.cal.event[day] * P;
    const items = 1 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.15) ? 1 : 0);
    const categories: string[] = [];
    let total = 0;
    for (let k = 0; k < items; k++) {
      let p = this.pickProduct(s.favourite);
      if (this.cal.launchDay[p] > day) p = 0;
      const product = PRODUCTS[p];
      total += this.cal.markdownPrice[markdownRow + p] || product.priceCents;
      if (!categories.includes(product.productType)) categories.push(product.productType);
    }
    const token =
      rng.uint32().toString(16).padStart(8, '0') + rng.uint32().toString(16).padStart(8, '0') +
      rng.uint32().toString(16).padStart(8, '0') + rng.uint32().toString(16).padStart(8, '0');
    const seq = this.checkoutSeq++;
    return {
      checkoutId: String(this.checkoutIdBase + seq + 1),
      customerId: s.customerId,
      email,
      createdAt: new Date(at),
      completedAt: null,
      totalPrice: total / 100,
      currency: SHOP_CURRENCY,
      recoveryUrl: `https://${SHOP_DOMAIN}/checkouts/${token}/recover`,
      categories,
    };
  }
}
