import {
  SHOPIFY_RFM_GROUP_KEYS,
  SHOPIFY_RFM_GROUPS,
  shopifyFm,
  shopifyRfmGroup,
  type ShopifyRfmGroupKey,
} from './shopify-rfm';

const SCORES = [1, 2, 3, 4, 5];
const EVERY_RFM = SCORES.flatMap((r) => SCORES.flatMap((f) => SCORES.map((m) => [r, f, m] as const)));

/** Groups whose published R and FM ranges contain (r, f, m): exactly one, for the table to be a partition. */
function groupsContaining(r: number, f: number, m: number): ShopifyRfmGroupKey[] {
  const fm = (f + m) / 2;
  return SHOPIFY_RFM_GROUPS.filter(
    (group) =>
      group.r !== null && group.fm !== null && r >= group.r.min && r <= group.r.max && fm >= group.fm.min && fm <= group.fm.max,
  ).map((group) => group.key);
}

describe('SHOPIFY_RFM_GROUPS: the eleven groups and their R and FM ranges', () => {
  it('lists the eleven groups once each, with Shopify’s Admin API value', () => {
    expect(SHOPIFY_RFM_GROUPS.map((group) => group.key)).toEqual([...SHOPIFY_RFM_GROUP_KEYS]);
    expect(SHOPIFY_RFM_GROUPS.map((group) => group.shopifyEnum)).toEqual([
      'CHAMPIONS',
      'LOYAL',
      'ACTIVE',
      'PROMISING',
      'NEW',
      'NEEDS_ATTENTION',
      'AT_RISK',
      'PREVIOUSLY_LOYAL',
      'ALMOST_LOST',
      'DORMANT',
      'PROSPECTS',
    ]);
  });

  it('gives every (R, F, M) in 1..5³ exactly one group, and never Prospects', () => {
    const ambiguous = EVERY_RFM.filter(([r, f, m]) => groupsContaining(r, f, m).length !== 1);
    expect(ambiguous).toEqual([]);
    for (const [r, f, m] of EVERY_RFM) {
      expect(shopifyRfmGroup(r, f, m)).toBe(groupsContaining(r, f, m)[0]);
    }
  });

  it('uses every group except Prospects, in these numbers of the 125 score combinations', () => {
    const counts = new Map<ShopifyRfmGroupKey, number>();
    for (const [r, f, m] of EVERY_RFM) {
      const group = shopifyRfmGroup(r, f, m);
      counts.set(group, (counts.get(group) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({
      champions: 6,
      loyal: 12,
      active: 26,
      promising: 6,
      new: 6,
      needs_attention: 13,
      at_risk: 26,
      previously_loyal: 12,
      almost_lost: 12,
      dormant: 6,
    });
  });

  it('gives Prospects no ranges: they have no scores', () => {
    const prospects = SHOPIFY_RFM_GROUPS.find((group) => group.key === 'prospects');
    expect(prospects).toMatchObject({ r: null, fm: null });
  });
});

describe('shopifyRfmGroup(r, f, m)', () => {
  it('depends only on R and FM = (F + M) / 2', () => {
    for (const [r, f, m] of EVERY_RFM) {
      expect(shopifyRfmGroup(r, f, m)).toBe(shopifyRfmGroup(r, m, f));
    }
    expect(shopifyRfmGroup(3, 5, 1)).toBe(shopifyRfmGroup(3, 3, 3));
    expect(shopifyRfmGroup(2, 4, 5)).toBe(shopifyRfmGroup(2, 5, 4));
  });

  it('places the customers of Shopify’s published descriptions', () => {
    // "very recent purchases, many orders, and the most spend"
    expect(shopifyRfmGroup(5, 5, 5)).toBe('champions');
    // "recent purchases, many orders, and the most spend"
    expect(shopifyRfmGroup(4, 5, 4)).toBe('loyal');
    // "recent purchases, some orders, and moderate spend"
    expect(shopifyRfmGroup(4, 3, 3)).toBe('active');
    // "very recent purchases, few orders, and low spend": a first order last week
    expect(shopifyRfmGroup(5, 1, 1)).toBe('new');
    // "recent purchases, few orders, and low spend"
    expect(shopifyRfmGroup(4, 1, 2)).toBe('promising');
    // "buy less recently, order sometimes and spend moderately"
    expect(shopifyRfmGroup(3, 3, 3)).toBe('needs_attention');
    // the help centre's example: used to place higher-value orders frequently, but not recently
    expect(shopifyRfmGroup(1, 5, 5)).toBe('previously_loyal');
    // "without recent purchases, but with a strong history of orders and spend"
    expect(shopifyRfmGroup(2, 3, 4)).toBe('at_risk');
    // "without recent purchases, fewer orders, and with lower spend"
    expect(shopifyRfmGroup(2, 1, 2)).toBe('almost_lost');
    // "without recent orders, with infrequent orders, and with low spend"
    expect(shopifyRfmGroup(1, 1, 1)).toBe('dormant');
    // "no orders yet"
    expect(shopifyRfmGroup(null, null, null)).toBe('prospects');
  });

  it('puts half FM values by the whole-number band edges: ≤ 2 low, ≥ 4 high', () => {
    expect(shopifyFm(2, 3)).toBe(2.5);
    expect(shopifyRfmGroup(5, 2, 2)).toBe('new'); // FM 2: still low
    expect(shopifyRfmGroup(5, 2, 3)).toBe('active'); // FM 2.5: moderate
    expect(shopifyRfmGroup(5, 3, 4)).toBe('active'); // FM 3.5: moderate
    expect(shopifyRfmGroup(5, 4, 4)).toBe('champions'); // FM 4: high
    expect(shopifyRfmGroup(1, 4, 5)).toBe('previously_loyal'); // FM 4.5
    expect(shopifyRfmGroup(1, 3, 4)).toBe('at_risk'); // FM 3.5
  });

  it('refuses scores that are not whole numbers from 1 to 5', () => {
    expect(() => shopifyRfmGroup(0, 3, 3)).toThrow('R must be a whole score from 1 to 5');
    expect(() => shopifyRfmGroup(3, 6, 3)).toThrow('F must be a whole score from 1 to 5');
    expect(() => shopifyRfmGroup(3, 3, 2.5)).toThrow('M must be a whole score from 1 to 5');
    expect(() => shopifyRfmGroup(3, null, 3)).toThrow(RangeError);
  });
});

describe('the SQL CASE of the header', () => {
  /** The CASE expression of shopify-rfm.ts's header, transcribed line by line. */
  function sqlCase(r: number | null, f: number, m: number): ShopifyRfmGroupKey {
    if (r === null) return 'prospects';
    if (f + m >= 8) return r === 5 ? 'champions' : r >= 3 ? 'loyal' : 'previously_loyal';
    if (f + m >= 5) return r >= 4 ? 'active' : r === 3 ? 'needs_attention' : 'at_risk';
    return r === 5 ? 'new' : r === 4 ? 'promising' : r >= 2 ? 'almost_lost' : 'dormant';
  }

  it('agrees with the table in every cell', () => {
    for (const [r, f, m] of EVERY_RFM) expect([r, f, m, sqlCase(r, f, m)]).toEqual([r, f, m, shopifyRfmGroup(r, f, m)]);
    expect(sqlCase(null, 1, 1)).toBe(shopifyRfmGroup(null, null, null));
  });
});

/**
 * The whole grid, as a merchant would read it: one row per FM value (F + M ≤ 4 is low, ≥ 8 high), one
 * column per R. Rendered from shopifyRfmGroup, so this table is the specification of the rule.
 */
const EXPECTED_GRID = `
FM  | R=1              | R=2              | R=3              | R=4              | R=5
5   | previously_loyal | previously_loyal | loyal            | loyal            | champions
4.5 | previously_loyal | previously_loyal | loyal            | loyal            | champions
4   | previously_loyal | previously_loyal | loyal            | loyal            | champions
3.5 | at_risk          | at_risk          | needs_attention  | active           | active
3   | at_risk          | at_risk          | needs_attention  | active           | active
2.5 | at_risk          | at_risk          | needs_attention  | active           | active
2   | dormant          | almost_lost      | almost_lost      | promising        | new
1.5 | dormant          | almost_lost      | almost_lost      | promising        | new
1   | dormant          | almost_lost      | almost_lost      | promising        | new
`.trim();

function renderGrid(): string {
  const cell = (text: string) => text.padEnd(16);
  const header = ['FM ', ...SCORES.map((r) => cell(`R=${r}`))].join(' | ');
  const rows = [10, 9, 8, 7, 6, 5, 4, 3, 2].map((sum) => {
    // any F, M with this sum: F + M = sum, both in 1..5
    const f = Math.min(5, sum - 1);
    const m = sum - f;
    return [String(sum / 2).padEnd(3), ...SCORES.map((r) => cell(shopifyRfmGroup(r, f, m)))].join(' | ');
  });
  return [header, ...rows].map((line) => line.trimEnd()).join('\n');
}

describe('the R × FM grid', () => {
  it('reads as the table above', () => {
    expect(renderGrid()).toBe(EXPECTED_GRID);
  });
});
