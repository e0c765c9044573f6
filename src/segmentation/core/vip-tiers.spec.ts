import {
  assignVipTiers,
  computeVipThresholds,
  DEFAULT_VIP_TIER_SETTINGS,
  InvalidVipTierSettingsError,
  parseVipTierSettings,
  vipTierFor,
  type VipCustomerInput,
  type VipTierSettings,
} from './vip-tiers';

const USD = { currency: 'USD' };
const RELATIVE = DEFAULT_VIP_TIER_SETTINGS;
const ABSOLUTE = parseVipTierSettings({ mode: 'absolute' }); // Silver 500, Gold 1000, Platinum 2500

/** A customer who is neutral apart from spend: no returns, half at full price, nothing high-margin. */
function buyer(customerId: string, trailing12mSpend: number, behaviour: Partial<VipCustomerInput> = {}): VipCustomerInput {
  return { customerId, trailing12mSpend, returnsRate: 0, fullPriceShare: 0.5, highMarginShare: 0, ...behaviour };
}

/** One hundred buyers spending 10, 20, …, 1000: buyer c037 spent 370. */
const HUNDRED = Array.from({ length: 100 }, (_, i) => buyer(`c${String(i + 1).padStart(3, '0')}`, 10 * (i + 1)));

function tierCounts(customers: VipCustomerInput[], settings: VipTierSettings): Record<string, number> {
  const counts: Record<string, number> = { none: 0, silver: 0, gold: 0, platinum: 0 };
  for (const { tier } of assignVipTiers(customers, settings, USD)) counts[tier ?? 'none'] += 1;
  return counts;
}

/** A tier assignment in absolute mode, the milestones standing as the thresholds. */
function absolute(customer: VipCustomerInput, settings: Partial<VipTierSettings> = {}) {
  const merged = parseVipTierSettings({ ...ABSOLUTE, ...settings });
  return vipTierFor(customer, computeVipThresholds([], merged), merged, USD);
}

describe('relative tiers: top shares of the store’s buyers by 12-month spend', () => {
  it('makes the top 10% Silver or better, the top 5% Gold or better and the top 1% Platinum', () => {
    expect(computeVipThresholds(HUNDRED.map((c) => c.trailing12mSpend), RELATIVE)).toEqual({
      silver: 910,
      gold: 960,
      platinum: 1000,
    });
    // 10 / 5 / 1 cumulative: 1 Platinum, 4 Gold, 5 Silver.
    expect(tierCounts(HUNDRED, RELATIVE)).toEqual({ none: 90, silver: 5, gold: 4, platinum: 1 });
  });

  it('counts only buyers: customers with no net spend neither get a tier nor dilute the shares', () => {
    const withNonBuyers = [...HUNDRED, buyer('zero', 0), buyer('refunded', -15)];
    expect(tierCounts(withNonBuyers, RELATIVE)).toEqual({ none: 92, silver: 5, gold: 4, platinum: 1 });
    const [zero] = assignVipTiers([buyer('zero', 0)], RELATIVE, USD);
    expect(zero).toEqual({ customerId: 'zero', tier: null, baseTier: null, reason: 'No tier: no net spend in the last 12 months' });
  });

  it('gives equal spends the same tier, keeping a block tied across the cut out rather than overfilling the tier', () => {
    // Buyers 90 and 91 both spent 905: only 89 buyers spent less, fewer than the 90 Silver needs.
    const tiedAtSilver = HUNDRED.map((c, i) => (i === 89 || i === 90 ? { ...c, trailing12mSpend: 905 } : c));
    expect(computeVipThresholds(tiedAtSilver.map((c) => c.trailing12mSpend), RELATIVE).silver).toBe(920);
    expect(tierCounts(tiedAtSilver, RELATIVE)).toEqual({ none: 91, silver: 4, gold: 4, platinum: 1 });
    // Two buyers share the top spend: neither has 99 buyers below, so nobody is Platinum; both are Gold.
    const tiedAtTop = HUNDRED.map((c, i) => (i === 98 ? { ...c, trailing12mSpend: 1000 } : c));
    expect(computeVipThresholds(tiedAtTop.map((c) => c.trailing12mSpend), RELATIVE).platinum).toBeNull();
    expect(tierCounts(tiedAtTop, RELATIVE)).toEqual({ none: 90, silver: 5, gold: 5, platinum: 0 });
  });

  it('leaves a tier empty until the store has enough buyers for its share', () => {
    const fifty = HUNDRED.slice(0, 50);
    expect(computeVipThresholds(fifty.map((c) => c.trailing12mSpend), RELATIVE)).toEqual({
      silver: 460,
      gold: 490,
      platinum: null,
    });
    expect(computeVipThresholds([100, 200, 300, 400, 500, 600, 700, 800, 900], RELATIVE)).toEqual({
      silver: null,
      gold: null,
      platinum: null,
    });
    expect(computeVipThresholds([], RELATIVE)).toEqual({ silver: null, gold: null, platinum: null });
  });

  it('follows the shop’s own shares', () => {
    const settings = parseVipTierSettings({ relative: { silver: 0.2, gold: 0.1, platinum: 0.05 } });
    expect(tierCounts(HUNDRED, settings)).toEqual({ none: 80, silver: 10, gold: 5, platinum: 5 });
  });

  it('does not depend on the order customers arrive in', () => {
    const reversed = [...HUNDRED].reverse();
    const byId = (list: ReturnType<typeof assignVipTiers>) => [...list].sort((a, b) => a.customerId.localeCompare(b.customerId));
    expect(byId(assignVipTiers(reversed, RELATIVE, USD))).toEqual(byId(assignVipTiers(HUNDRED, RELATIVE, USD)));
  });
});

describe('absolute milestones', () => {
  it('gives the tier of the highest milestone reached, the milestone itself included', () => {
    expect(computeVipThresholds([1, 2, 3], ABSOLUTE)).toEqual({ silver: 500, gold: 1000, platinum: 2500 });
    const tiers = [499.99, 500, 999.99, 1000, 2499.99, 2500, 10_000].map((spend) => absolute(buyer('c', spend)).tier);
    expect(tiers).toEqual([null, 'silver', 'silver', 'gold', 'gold', 'platinum', 'platinum']);
  });

  it('explains the tier with the amount and the milestone', () => {
    expect(absolute(buyer('c', 1240)).reason).toBe('Gold: $1,240 spent in 12 months (Gold from $1,000)');
    expect(absolute(buyer('c', 120.5)).reason).toBe('No tier: $120.50 spent in 12 months (Silver from $500)');
  });
});

describe('returns exclusion', () => {
  it('takes the tier away from a customer who returns more than the limit, whatever they spent', () => {
    const [returner] = assignVipTiers([...HUNDRED.slice(0, 99), buyer('c100', 1000, { returnsRate: 0.48 })], RELATIVE, USD).slice(-1);
    expect(returner).toEqual({
      customerId: 'c100',
      tier: null,
      baseTier: 'platinum',
      reason: 'No tier: 48% of spend returned (limit 40%)',
    });
  });

  it('allows the limit itself, and shows a rate just above it without rounding it down to the limit', () => {
    expect(absolute(buyer('c', 1240, { returnsRate: 0.4 })).tier).toBe('gold');
    expect(absolute(buyer('c', 1240, { returnsRate: 0.4001 })).reason).toBe('No tier: 40.01% of spend returned (limit 40%)');
  });

  it('follows the shop’s own limit', () => {
    expect(absolute(buyer('c', 1240, { returnsRate: 0.3 }), { maxReturnsRate: 0.25 }).reason).toBe(
      'No tier: 30% of spend returned (limit 25%)',
    );
  });
});

describe('full-price boost and discount penalty', () => {
  it('raises a customer who buys mostly at full price by one tier', () => {
    expect(absolute(buyer('c', 640, { fullPriceShare: 0.92 }))).toEqual({
      customerId: 'c',
      tier: 'gold',
      baseTier: 'silver',
      reason: 'Gold: $640 spent in 12 months (Silver from $500); raised from Silver for buying 92% at full price',
    });
    expect(absolute(buyer('c', 640, { fullPriceShare: 0.8 })).tier).toBe('gold'); // the threshold itself counts
    expect(absolute(buyer('c', 640, { fullPriceShare: 0.7999 })).tier).toBe('silver');
  });

  it('stops at Platinum', () => {
    const top = absolute(buyer('c', 3000, { fullPriceShare: 1 }));
    expect(top).toMatchObject({ tier: 'platinum', baseTier: 'platinum' });
    expect(top.reason).toBe('Platinum: $3,000 spent in 12 months (Platinum from $2,500)');
  });

  it('raises a customer below Silver only when they spent at least 80% of the Silver threshold', () => {
    expect(absolute(buyer('c', 400, { fullPriceShare: 0.92 }))).toMatchObject({
      tier: 'silver',
      baseTier: null,
      reason: 'Silver: $400 spent in 12 months (Silver from $500); raised from no tier for buying 92% at full price',
    });
    expect(absolute(buyer('c', 399.99, { fullPriceShare: 1 }))).toMatchObject({
      tier: null,
      reason: 'No tier: $399.99 spent in 12 months (Silver from $500)',
    });
    expect(absolute(buyer('c', 260, { fullPriceShare: 1 }), { nearSilverFraction: 0.5 }).tier).toBe('silver');
  });

  it('never raises into Silver in a store too small to have a Silver threshold', () => {
    const small = [buyer('a', 100, { fullPriceShare: 1 }), buyer('b', 200)];
    expect(assignVipTiers(small, RELATIVE, USD)[0]).toMatchObject({
      tier: null,
      reason: 'No tier: $100 spent in 12 months (no Silver yet: too few customers for a top 10%)',
    });
  });

  it('lowers a customer who buys almost only with discounts by one tier, to no tier from Silver', () => {
    expect(absolute(buyer('c', 1240, { fullPriceShare: 0.12 })).reason).toBe(
      'Silver: $1,240 spent in 12 months (Gold from $1,000); lowered from Gold for buying only 12% at full price',
    );
    expect(absolute(buyer('c', 600, { fullPriceShare: 0.2 }))).toEqual({
      customerId: 'c',
      tier: null,
      baseTier: 'silver',
      reason: 'No tier: $600 spent in 12 months (Silver from $500); lowered from Silver for buying only 20% at full price',
    });
  });

  it('can be switched off', () => {
    const off = { fullPriceBoost: null, discountPenalty: null };
    expect(absolute(buyer('c', 640, { fullPriceShare: 1 }), off).tier).toBe('silver');
    expect(absolute(buyer('c', 640, { fullPriceShare: 0 }), off).tier).toBe('silver');
  });
});

describe('high-margin boost', () => {
  const margins = { highMarginCategories: ['Outerwear', 'Leather goods'] };

  it('raises a customer who spends mostly in the shop’s high-margin categories by one tier', () => {
    expect(absolute(buyer('c', 1240, { highMarginShare: 0.7 }), margins).reason).toBe(
      'Platinum: $1,240 spent in 12 months (Gold from $1,000); raised from Gold for spending 70% on high-margin categories',
    );
  });

  it('does nothing while the shop names no high-margin category', () => {
    expect(absolute(buyer('c', 1240, { highMarginShare: 0.7 })).tier).toBe('gold');
  });

  it('raises only one tier when both boosts apply, naming both reasons', () => {
    expect(absolute(buyer('c', 640, { fullPriceShare: 0.9, highMarginShare: 0.6 }), margins)).toMatchObject({
      tier: 'gold',
      reason:
        'Gold: $640 spent in 12 months (Silver from $500); raised from Silver for buying 90% at full price and spending 60% on high-margin categories',
    });
  });

  it('cancels out against the discount penalty', () => {
    expect(absolute(buyer('c', 1240, { fullPriceShare: 0.1, highMarginShare: 0.9 }), margins)).toMatchObject({
      tier: 'gold',
      reason: 'Gold: $1,240 spent in 12 months (Gold from $1,000)',
    });
  });
});

describe('reasons in relative mode', () => {
  const reasons = (customers: VipCustomerInput[], currency = 'USD') =>
    Object.fromEntries(assignVipTiers(customers, RELATIVE, { currency }).map((a) => [a.customerId, a.reason]));

  it('name the share reached and the customer’s spend, in the shop currency', () => {
    const store = [
      ...HUNDRED.slice(0, 97),
      buyer('full-price', 980, { fullPriceShare: 0.92 }),
      buyer('discounts', 990, { fullPriceShare: 0.12 }),
      buyer('top', 1240),
    ];
    expect(reasons(store)).toMatchObject({
      c001: 'No tier: $10 spent in 12 months (Silver from $910, the top 10%)',
      c092: 'Silver: top 10% by 12-month spend ($920)',
      c096: 'Gold: top 5% by 12-month spend ($960)',
      'full-price': 'Platinum: top 5% by 12-month spend ($980); raised from Gold for buying 92% at full price',
      discounts: 'Silver: top 5% by 12-month spend ($990); lowered from Gold for buying only 12% at full price',
      top: 'Platinum: top 1% by 12-month spend ($1,240)',
    });
    expect(reasons([...HUNDRED.slice(0, 99), buyer('top', 1240.5)], 'EUR').top).toBe(
      'Platinum: top 1% by 12-month spend (€1,240.50)',
    );
  });

  it('name the Silver threshold and its share when a full-price buyer is raised into Silver', () => {
    const fullPrice = (id: string) => (c: VipCustomerInput) => (c.customerId === id ? { ...c, fullPriceShare: 0.9 } : c);
    const store = HUNDRED.map(fullPrice('c075')).map(fullPrice('c072')); // 80% of the $910 threshold is $728
    expect(reasons(store)).toMatchObject({
      c075: 'Silver: $750 spent in 12 months (Silver from $910, the top 10%); raised from no tier for buying 90% at full price',
      c072: 'No tier: $720 spent in 12 months (Silver from $910, the top 10%)',
    });
  });

  it('show fractional shares as the merchant set them', () => {
    const settings = parseVipTierSettings({ relative: { platinum: 0.005 } });
    const store = Array.from({ length: 200 }, (_, i) => buyer(`c${i}`, i + 1));
    expect(assignVipTiers(store, settings, USD)[199].reason).toBe('Platinum: top 0.5% by 12-month spend ($200)');
  });
});

describe('input checks', () => {
  it('refuses a spend or share that is not a number in range, naming the customer', () => {
    expect(() => assignVipTiers([buyer('c9', Number.NaN)], RELATIVE, USD)).toThrow('Customer c9: trailing12mSpend');
    expect(() => assignVipTiers([buyer('c9', 10, { returnsRate: 1.2 })], RELATIVE, USD)).toThrow(
      'Customer c9: returnsRate must be between 0 and 1, got 1.2',
    );
    expect(() => computeVipThresholds([Number.POSITIVE_INFINITY], RELATIVE)).toThrow(RangeError);
  });

  it('refuses a currency that is not an ISO code', () => {
    expect(() => assignVipTiers(HUNDRED, RELATIVE, { currency: '$' })).toThrow('currency must be an ISO 4217 code');
  });
});

describe('parseVipTierSettings', () => {
  function errorOf(input: unknown): InvalidVipTierSettingsError {
    try {
      parseVipTierSettings(input);
    } catch (error) {
      if (error instanceof InvalidVipTierSettingsError) return error;
      throw error;
    }
    throw new Error('expected the settings to be refused');
  }

  it('fills what is not given from the defaults, from an object or from JSON text', () => {
    expect(parseVipTierSettings(undefined)).toEqual(DEFAULT_VIP_TIER_SETTINGS);
    expect(parseVipTierSettings({})).toEqual(DEFAULT_VIP_TIER_SETTINGS);
    const parsed = parseVipTierSettings('{"mode":"absolute","absolute":{"platinum":5000},"highMarginBoost":null}');
    expect(parsed).toMatchObject({
      mode: 'absolute',
      absolute: { silver: 500, gold: 1000, platinum: 5000 },
      highMarginBoost: null,
      fullPriceBoost: { minShare: 0.8 },
    });
  });

  it('returns fresh objects: the frozen defaults are never shared', () => {
    const parsed = parseVipTierSettings({});
    parsed.relative.silver = 0.2;
    parsed.highMarginCategories.push('Outerwear');
    expect(DEFAULT_VIP_TIER_SETTINGS.relative.silver).toBe(0.1);
    expect(DEFAULT_VIP_TIER_SETTINGS.highMarginCategories).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['bad JSON', '{mode: relative}', 'settings', 'settings: not valid JSON'],
    ['an unknown setting', { maxReturnRate: 0.3 }, 'maxReturnRate', 'maxReturnRate: unknown setting'],
    ['an unknown tier', { relative: { diamond: 0.001 } }, 'relative.diamond', 'relative.diamond: unknown setting'],
    ['an unknown mode', { mode: 'top' }, 'mode', 'mode: expected "relative" or "absolute", got "top"'],
    ['a share above 1', { relative: { silver: 1.5 } }, 'relative.silver', 'relative.silver: expected a share above 0'],
    ['a zero share', { relative: { platinum: 0 } }, 'relative.platinum', 'got 0'],
    ['too many decimals', { relative: { gold: 0.12345 } }, 'relative.gold', 'expected at most 4 decimals, got 0.12345'],
    ['Gold wider than Silver', { relative: { gold: 0.2 } }, 'relative.gold', 'must be a smaller share than relative.silver (0.1), got 0.2'],
    ['Platinum wider than Gold', { relative: { platinum: 0.05 } }, 'relative.platinum', 'smaller share than relative.gold (0.05)'],
    ['Gold below Silver', { absolute: { gold: 400 } }, 'absolute.gold', 'absolute.gold: must be more than absolute.silver (500), got 400'],
    ['a negative milestone', { absolute: { silver: -5 } }, 'absolute.silver', 'expected an amount above 0, got -5'],
    ['a fraction of a cent', { absolute: { silver: 499.999 } }, 'absolute.silver', 'at most 2 decimals'],
    ['a returns limit as text', { maxReturnsRate: '40%' }, 'maxReturnsRate', 'expected a rate from 0 to 1, got "40%"'],
    ['a boost that is not an object', { fullPriceBoost: 0.8 }, 'fullPriceBoost', 'fullPriceBoost: expected an object, got 0.8'],
    ['a penalty reaching the boost', { discountPenalty: { maxShare: 0.8 } }, 'discountPenalty.maxShare', 'must be below fullPriceBoost.minShare (0.8)'],
    ['categories as text', { highMarginCategories: 'Outerwear' }, 'highMarginCategories', 'expected a list of product types'],
    ['an empty category', { highMarginCategories: ['Outerwear', ''] }, 'highMarginCategories[1]', 'expected a non-empty product type'],
    ['a near-Silver fraction above 1', { nearSilverFraction: 1.5 }, 'nearSilverFraction', 'a fraction above 0 and at most 1'],
    ['a list instead of settings', [], 'settings', 'settings: expected an object, got []'],
  ])('refuses %s, naming the field', (_, input, field, message) => {
    const error = errorOf(input);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('lets the shop turn the penalty off to use a low boost threshold', () => {
    const settings = parseVipTierSettings({ fullPriceBoost: { minShare: 0.1 }, discountPenalty: null });
    expect(settings).toMatchObject({ fullPriceBoost: { minShare: 0.1 }, discountPenalty: null });
  });

  it('is what the tier functions check hand-made settings with', () => {
    const bad: VipTierSettings = { ...RELATIVE, relative: { silver: 0.05, gold: 0.1, platinum: 0.01 } };
    expect(() => assignVipTiers(HUNDRED, bad, USD)).toThrow(InvalidVipTierSettingsError);
    expect(() => computeVipThresholds([1], bad)).toThrow('relative.gold');
  });
});
