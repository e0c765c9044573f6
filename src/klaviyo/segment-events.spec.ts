import { parseEventsCursor } from './segment-events';

describe('the events cursor of a sync', () => {
  it('starts before the first event when nothing was sent', () => {
    expect(parseEventsCursor(null)).toEqual([0, '', '']);
  });

  it('reads back what was saved: run number, customer and segment', () => {
    const saved = JSON.stringify([12, 'gid://shopify/Customer/7', 'vip_gold']);
    expect(parseEventsCursor(saved)).toEqual([12, 'gid://shopify/Customer/7', 'vip_gold']);
  });

  it('resumes a cursor saved before events had a segment at that customer, whose id may hold colons', () => {
    expect(parseEventsCursor('12:gid://shopify/Customer/7')).toEqual([12, 'gid://shopify/Customer/7', '']);
  });
});
