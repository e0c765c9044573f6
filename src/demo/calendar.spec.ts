import { blackFriday, buildCalendar, DAY_MS, SEASONAL_CODES, windowStart } from './calendar';
import { PRODUCTS } from './catalogue';
import { Random } from './random';

describe('retail calendar', () => {
  it('finds Black Friday: the day after the fourth Thursday of November', () => {
    expect(new Date(blackFriday(2022)).toISOString()).toBe('2022-11-25T00:00:00.000Z');
    expect(new Date(blackFriday(2023)).toISOString()).toBe('2023-11-24T00:00:00.000Z');
    expect(new Date(blackFriday(2024)).toISOString()).toBe('2024-11-29T00:00:00.000Z');
  });

  it('starts the window whole calendar years before asOf, clamping 29 February', () => {
    expect(windowStart(new Date('2025-06-01T12:00:00Z'), 3).toISOString()).toBe('2022-06-01T12:00:00.000Z');
    expect(windowStart(new Date('2024-02-29T08:00:00Z'), 1).toISOString()).toBe('2023-02-28T08:00:00.000Z');
  });

  const asOf = new Date('2025-06-01T00:00:00Z');
  const cal = buildCalendar(asOf, 3, new Random(1));
  const dayOf = (iso: string): number => Math.floor((Date.parse(iso) - cal.dayZeroMs) / DAY_MS);

  it('normalises demand to mean 1, peaks on Black Friday and dips in summer', () => {
    const mean = cal.demand.reduce((a, b) => a + b, 0) / cal.days;
    expect(mean).toBeCloseTo(1, 6);
    expect(cal.demand[dayOf('2024-11-29')]).toBeGreaterThan(3);
    expect(cal.demand[dayOf('2024-07-17')]).toBeLessThan(0.9);
    expect(cal.maxDemand).toBe(Math.max(...cal.demand));
  });

  it('promotes BFCM25 around Black Friday, SPRING15 in spring, SUMMER20 in July, nothing in October', () => {
    const code = (iso: string) => SEASONAL_CODES[cal.seasonalCode[dayOf(iso)]]?.code ?? null;
    expect(code('2024-11-29')).toBe('BFCM25');
    expect(code('2024-12-02')).toBe('BFCM25');
    expect(code('2024-03-25')).toBe('SPRING15');
    expect(code('2024-07-04')).toBe('SUMMER20');
    expect(code('2024-10-10')).toBeNull();
  });

  it('marks many products down during the big sales, few otherwise, always below list and never gift cards', () => {
    const markedDown = (iso: string) => {
      const row = cal.event[dayOf(iso)] * PRODUCTS.length;
      return PRODUCTS.filter((p, i) => cal.markdownPrice[row + i] > 0).length;
    };
    expect(cal.saleDay[dayOf('2024-07-10')]).toBe(1);
    expect(markedDown('2024-07-10')).toBeGreaterThan(PRODUCTS.length * 0.25);
    expect(markedDown('2024-10-10')).toBeLessThan(PRODUCTS.length * 0.15);
    PRODUCTS.forEach((product, p) => {
      for (let e = 0; e * PRODUCTS.length < cal.markdownPrice.length; e++) {
        const price = cal.markdownPrice[e * PRODUCTS.length + p];
        if (product.giftCard) expect(price).toBe(0);
        else if (price > 0) expect(price).toBeLessThan(product.priceCents);
      }
    });
  });

  it('launches the late products inside the window', () => {
    const late = PRODUCTS.filter((p) => p.launchAt > 0).length;
    expect(cal.launches).toHaveLength(late);
    for (const launch of cal.launches) {
      expect(launch.atMs).toBeGreaterThan(cal.windowStartMs);
      expect(launch.atMs).toBeLessThan(cal.asOfMs);
    }
  });
});
