import type { OrderRecord } from '../../store/store-records';
import { buildOrder } from './testing/store-builder';
import {
  ELIGIBILITY_WINDOW_YEARS,
  ELIGIBLE_FINANCIAL_STATUSES,
  eligibilityWindowStart,
  isEligibleOrder,
} from './eligibility';

const asOf = new Date('2026-11-27T06:00:00Z');
const paidOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  buildOrder({ orderId: 'o1', customerId: 'c1', createdAt: new Date('2026-11-20T10:00:00Z'), ...overrides });

describe('isEligibleOrder', () => {
  it('counts a paid order of a customer placed a week before the as-of date', () => {
    expect(isEligibleOrder(paidOrder(), asOf)).toBe(true);
  });

  it('counts paid, partially paid and partially refunded orders, and only those', () => {
    expect(ELIGIBLE_FINANCIAL_STATUSES).toEqual(['paid', 'partially_paid', 'partially_refunded']);
    expect(ELIGIBILITY_WINDOW_YEARS).toBe(10);
    const eligible = (['pending', 'authorized', 'paid', 'partially_paid', 'partially_refunded', 'refunded', 'voided', 'expired'] as const)
      .filter((financialStatus) => isEligibleOrder(paidOrder({ financialStatus }), asOf));
    expect(eligible).toEqual(['paid', 'partially_paid', 'partially_refunded']);
  });

  it('excludes a guest order with no customer', () => {
    expect(isEligibleOrder(paidOrder({ customerId: null }), asOf)).toBe(false);
  });

  it('excludes a cancelled order even when it is paid', () => {
    expect(isEligibleOrder(paidOrder({ cancelledAt: new Date('2026-11-21T00:00:00Z') }), asOf)).toBe(false);
  });

  it('excludes an order placed ten years or more before the as-of moment, to the millisecond', () => {
    const windowStart = new Date('2016-11-27T06:00:00Z');
    expect(isEligibleOrder(paidOrder({ createdAt: windowStart }), asOf)).toBe(false);
    expect(isEligibleOrder(paidOrder({ createdAt: new Date(windowStart.getTime() - 1) }), asOf)).toBe(false);
    expect(isEligibleOrder(paidOrder({ createdAt: new Date(windowStart.getTime() + 1) }), asOf)).toBe(true);
  });

  it('excludes an order placed after the as-of moment, and keeps one placed exactly at it', () => {
    expect(isEligibleOrder(paidOrder({ createdAt: asOf }), asOf)).toBe(true);
    expect(isEligibleOrder(paidOrder({ createdAt: new Date(asOf.getTime() + 1) }), asOf)).toBe(false);
  });
});

describe('eligibilityWindowStart', () => {
  it('goes back ten calendar years in UTC, keeping the time of day', () => {
    expect(eligibilityWindowStart(asOf).toISOString()).toBe('2016-11-27T06:00:00.000Z');
  });

  it('clamps 29 February to 28 February, as PostgreSQL does for "- interval \'10 years\'"', () => {
    expect(eligibilityWindowStart(new Date('2028-02-29T12:30:00Z')).toISOString()).toBe('2018-02-28T12:30:00.000Z');
  });
});
