import type { OrderLineRecord, OrderRecord } from '../../store/store-records';

/**
 * What an order's lines say about the buyer, as the features need it. Computed once when an order is
 * written (orders.item_quantity, full_price_quantity, categories) so a segment run never scans lines.
 */
export interface OrderLineSummary {
  /** Σ quantity over the lines. */
  units: number;
  /** Units bought at full price: no compare-at markdown, no line discount, no discount code on the order. */
  fullPriceUnits: number;
  /** Distinct non-empty product types, sorted. */
  categories: string[];
}

export function isFullPriceLine(line: OrderLineRecord, orderHasDiscountCode: boolean): boolean {
  const markedDown = line.compareAtPrice !== null && line.compareAtPrice > line.price;
  return !orderHasDiscountCode && !markedDown && line.discountAmount === 0;
}

export function summariseOrderLines(order: Pick<OrderRecord, 'lines' | 'discountCodes'>): OrderLineSummary {
  const hasCode = order.discountCodes.length > 0;
  let units = 0;
  let fullPriceUnits = 0;
  const categories = new Set<string>();
  for (const line of order.lines) {
    units += line.quantity;
    if (isFullPriceLine(line, hasCode)) fullPriceUnits += line.quantity;
    if (line.productType) categories.add(line.productType);
  }
  return { units, fullPriceUnits, categories: [...categories].sort() };
}
