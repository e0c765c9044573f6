/**
 * Which orders count towards a customer's segments.
 *
 * Domain rule (DESIGN.md): an eligible order has a customer, is not cancelled, is paid or partially paid
 * (partially refunded counts) and was placed in the last 10 years. The SQL feature query mirrors these exact
 * predicates, so each one is spelled out here:
 *
 *   customerId IS NOT NULL
 *   AND cancelledAt IS NULL
 *   AND financialStatus IN ('paid', 'partially_paid', 'partially_refunded')
 *   AND createdAt >  asOf - interval '10 years'   -- strictly after the window start
 *   AND createdAt <= asOf                          -- an order after the as-of moment is not history yet
 *
 * Sources normalise a blank customer id to null, so only null means "no customer".
 */
import type { FinancialStatus, OrderRecord } from '../../store/store-records';

export const ELIGIBLE_FINANCIAL_STATUSES: readonly FinancialStatus[] = ['paid', 'partially_paid', 'partially_refunded'];

/**
 * Statuses whose orders enter the returns rate: the eligible ones plus fully refunded orders, because a
 * customer who returns everything is exactly who the returns rate must see.
 */
export const RETURNS_RATE_FINANCIAL_STATUSES: readonly FinancialStatus[] = [...ELIGIBLE_FINANCIAL_STATUSES, 'refunded'];

export const ELIGIBILITY_WINDOW_YEARS = 10;

/**
 * The exclusive start of the eligibility window: asOf minus 10 calendar years in UTC, with the same
 * month, time of day and day of month, the day clamped to the month's last day (29 February becomes
 * 28 February). The clamp is what PostgreSQL does for `timestamptz - interval '10 years'` in UTC, whereas
 * JavaScript's setUTCFullYear would roll over to 1 March; we follow the database so both agree.
 */
export function eligibilityWindowStart(asOf: Date): Date {
  const year = asOf.getUTCFullYear() - ELIGIBILITY_WINDOW_YEARS;
  const month = asOf.getUTCMonth();
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(asOf.getUTCDate(), lastDayOfMonth),
      asOf.getUTCHours(),
      asOf.getUTCMinutes(),
      asOf.getUTCSeconds(),
      asOf.getUTCMilliseconds(),
    ),
  );
}

/** True when the order was placed inside the window: after the window start and not after asOf. */
export function isWithinEligibilityWindow(createdAt: Date, asOf: Date): boolean {
  const placed = createdAt.getTime();
  return placed > eligibilityWindowStart(asOf).getTime() && placed <= asOf.getTime();
}

export function isEligibleOrder(order: OrderRecord, asOf: Date): boolean {
  return (
    order.customerId !== null &&
    order.cancelledAt === null &&
    ELIGIBLE_FINANCIAL_STATUSES.includes(order.financialStatus) &&
    isWithinEligibilityWindow(order.createdAt, asOf)
  );
}

/**
 * True when the order enters the returns rate (see features.ts): same as eligibility except that fully
 * refunded orders also count.
 */
export function countsTowardsReturnsRate(order: OrderRecord, asOf: Date): boolean {
  return (
    order.customerId !== null &&
    order.cancelledAt === null &&
    RETURNS_RATE_FINANCIAL_STATUSES.includes(order.financialStatus) &&
    isWithinEligibilityWindow(order.createdAt, asOf)
  );
}
