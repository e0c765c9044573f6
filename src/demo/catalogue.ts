/**
 * The fixed world of the demo store: products, countries, discount codes, names. Small constants, shared by
 * every customer the generator makes, so memory does not grow with the store's size.
 * Money is in integer cents here (the generator only converts to decimal amounts at the record boundary),
 * so totals add up exactly.
 */

export const SHOP_DOMAIN = 'demo-outfitters.myshopify.com';
export const SHOP_CURRENCY = 'USD';

export interface Product {
  productId: string;
  title: string;
  /** Shopify product type: the category the segmentation counts. */
  productType: string;
  /** Regular (compare-at) price in cents. */
  priceCents: number;
  /** Relative popularity within the whole catalogue. */
  popularity: number;
  /** One SKU per variant (size); chosen uniformly. */
  skus: readonly string[];
  /**
   * Where in the generated window the product launched, as a fraction (0 = sold from the start). Late
   * launches give "trend followers" something new to jump on; a product is never sold before its launch.
   */
  launchAt: number;
  /** Gift cards are never marked down or discounted (Shopify excludes them from discounts). */
  giftCard: boolean;
}

interface CategorySpec {
  type: string;
  code: string;
  /** Share of line picks that land in this category when the customer has no favourite. */
  weight: number;
  sizes: readonly string[];
  /** [title, price in dollars, popularity, launchAt?] */
  items: ReadonlyArray<readonly [string, number, number, number?]>;
}

const APPAREL_SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const SHOE_SIZES = ['7', '8', '9', '10', '11', '12'];
const KIDS_SIZES = ['2T', '4T', '6', '8', '10'];
const ONE_SIZE = ['OS'];

const CATEGORY_SPECS: readonly CategorySpec[] = [
  {
    type: 'Apparel', code: 'APP', weight: 30, sizes: APPAREL_SIZES,
    items: [
      ['Organic Cotton Tee', 28, 10], ['Merino Crew Sweater', 98, 4], ['Everyday Hoodie', 68, 7],
      ['Linen Button-Down Shirt', 74, 3], ['Stretch Chino Pant', 79, 4], ['Rain Shell Jacket', 149, 3],
      ['Quilted Vest', 89, 2], ['Flannel Overshirt', 64, 4], ['Performance Legging', 72, 5],
      ['Denim Jacket', 118, 2], ['Recycled Fleece Pullover', 84, 3, 0.55], ['Heavyweight Pocket Tee', 34, 4, 0.8],
    ],
  },
  {
    type: 'Footwear', code: 'FTW', weight: 14, sizes: SHOE_SIZES,
    items: [
      ['Trail Runner', 129, 5], ['Canvas Low-Top Sneaker', 65, 6], ['Leather Chelsea Boot', 189, 2],
      ['Wool Runner', 110, 4], ['Recovery Slide', 45, 4], ['Waterproof Hiking Boot', 169, 2],
      ['Court Classic Sneaker', 95, 3, 0.4], ['Merino Sock 3-Pack', 36, 6],
    ],
  },
  {
    type: 'Accessories', code: 'ACC', weight: 14, sizes: ONE_SIZE,
    items: [
      ['Waxed Canvas Tote', 58, 5], ['Leather Belt', 48, 4], ['Beanie', 26, 7], ['Baseball Cap', 30, 6],
      ['Polarized Sunglasses', 85, 3], ['Wool Scarf', 42, 3], ['Everyday Backpack', 110, 3],
      ['Card Wallet', 38, 3], ['Insulated Water Bottle', 32, 6, 0.3],
    ],
  },
  {
    type: 'Outdoor', code: 'OUT', weight: 10, sizes: ONE_SIZE,
    items: [
      ['Ultralight Daypack', 95, 3], ['Camp Hammock', 69, 2], ['Down Sleeping Bag', 249, 1],
      ['Trekking Poles', 79, 2], ['Headlamp', 39, 4], ['Camp Stove', 89, 2], ['Two-Person Tent', 329, 1],
      ['Packable Camp Chair', 59, 3, 0.65],
    ],
  },
  {
    type: 'Home', code: 'HOM', weight: 9, sizes: ONE_SIZE,
    items: [
      ['Wool Throw Blanket', 120, 3], ['Stoneware Mug Set', 44, 4], ['Soy Candle', 28, 6],
      ['Linen Napkin Set', 36, 2], ['Cedar Plank Cutting Board', 54, 2], ['Enamel Camp Mug', 18, 5],
      ['Pour-Over Coffee Kit', 62, 2, 0.9],
    ],
  },
  {
    type: 'Beauty', code: 'BTY', weight: 10, sizes: ONE_SIZE,
    items: [
      ['Daily Moisturizer', 32, 6], ['Mineral Sunscreen SPF 30', 24, 6], ['Lip Balm Trio', 14, 7],
      ['Beard Oil', 22, 3], ['Hand Cream', 18, 5], ['Shampoo Bar', 16, 4], ['Body Wash Refill', 26, 4],
      ['Vitamin C Serum', 48, 3, 0.45],
    ],
  },
  {
    type: 'Kids', code: 'KID', weight: 8, sizes: KIDS_SIZES,
    items: [
      ['Kids Puffer Jacket', 79, 3], ['Kids Graphic Tee', 22, 6], ['Kids Rain Boot', 42, 4],
      ['Kids Fleece Set', 48, 3], ['Baby Knit Romper', 36, 3], ['Kids Mini Backpack', 34, 3],
    ],
  },
  {
    type: 'Gift Cards', code: 'GFT', weight: 3, sizes: ONE_SIZE,
    items: [['Gift Card $25', 25, 4], ['Gift Card $50', 50, 4], ['Gift Card $100', 100, 2]],
  },
];

/** Category (product type) names, in catalogue order. */
export const CATEGORIES: readonly string[] = CATEGORY_SPECS.map((c) => c.type);
/** Share of picks per category (index-aligned with CATEGORIES); also how favourites are drawn. */
export const CATEGORY_WEIGHTS: readonly number[] = CATEGORY_SPECS.map((c) => c.weight);

function buildProducts(): Product[] {
  const out: Product[] = [];
  let n = 0;
  for (const spec of CATEGORY_SPECS) {
    spec.items.forEach(([title, dollars, popularity, launchAt], i) => {
      n += 1;
      const sku = `DO-${spec.code}-${String(i + 1).padStart(2, '0')}`;
      const giftCard = spec.type === 'Gift Cards';
      out.push({
        productId: String(8000000000000 + n * 1000),
        title,
        productType: spec.type,
        // Shopify-style prices: whole dollars become x.00, the rest end in .99 below the dollar figure.
        priceCents: giftCard ? dollars * 100 : dollars * 100 - 1,
        popularity,
        skus: spec.sizes.map((size) => `${sku}-${size}`),
        launchAt: launchAt ?? 0,
        giftCard,
      });
    });
  }
  return out;
}

export const PRODUCTS: readonly Product[] = buildProducts();

/** Product indexes per category, index-aligned with CATEGORIES. */
export const PRODUCTS_BY_CATEGORY: readonly number[][] = CATEGORIES.map((type) =>
  PRODUCTS.flatMap((p, i) => (p.productType === type ? [i] : [])),
);

// ---------------------------------------------------------------------------------------------- places

export interface Region {
  province: string | null;
  timezone: string;
  /** Standard-time UTC offset in hours, only to put order times in the customer's waking hours. */
  utcOffset: number;
  weight: number;
}

export type ShippingZone = 'domestic' | 'canada' | 'international';

export interface Country {
  code: string;
  weight: number;
  zone: ShippingZone;
  /** Fictional phone plan, or null when the country gets no phone numbers (see phoneNumber). */
  phone: 'nanp' | { prefix: string; base: number; width: number } | null;
  regions: readonly Region[];
}

const r = (province: string | null, timezone: string, utcOffset: number, weight = 1): Region => ({
  province,
  timezone,
  utcOffset,
  weight,
});

export const COUNTRIES: readonly Country[] = [
  {
    code: 'US', weight: 60, zone: 'domestic', phone: 'nanp',
    // Weighted by population so the time zones come out as the US really splits (about half Eastern).
    regions: [
      r('California', 'America/Los_Angeles', -8, 12), r('Texas', 'America/Chicago', -6, 9),
      r('Florida', 'America/New_York', -5, 6.7), r('New York', 'America/New_York', -5, 6),
      r('Pennsylvania', 'America/New_York', -5, 3.9), r('Illinois', 'America/Chicago', -6, 3.8),
      r('Ohio', 'America/New_York', -5, 3.5), r('Georgia', 'America/New_York', -5, 3.3),
      r('North Carolina', 'America/New_York', -5, 3.2), r('Michigan', 'America/Detroit', -5, 3),
      r('New Jersey', 'America/New_York', -5, 2.8), r('Virginia', 'America/New_York', -5, 2.6),
      r('Washington', 'America/Los_Angeles', -8, 2.3), r('Arizona', 'America/Phoenix', -7, 2.2),
      r('Massachusetts', 'America/New_York', -5, 2.1), r('Tennessee', 'America/Chicago', -6, 2.1),
      r('Indiana', 'America/Indiana/Indianapolis', -5, 2), r('Colorado', 'America/Denver', -7, 1.7),
      r('Minnesota', 'America/Chicago', -6, 1.7), r('Oregon', 'America/Los_Angeles', -8, 1.3),
      r('Utah', 'America/Denver', -7, 1), r('Nevada', 'America/Los_Angeles', -8, 0.9),
      r('Hawaii', 'Pacific/Honolulu', -10, 0.4), r('Alaska', 'America/Anchorage', -9, 0.2),
    ],
  },
  {
    code: 'CA', weight: 10, zone: 'canada', phone: 'nanp',
    regions: [
      r('Ontario', 'America/Toronto', -5, 39), r('Quebec', 'America/Toronto', -5, 22),
      r('British Columbia', 'America/Vancouver', -8, 14), r('Alberta', 'America/Edmonton', -7, 12),
      r('Manitoba', 'America/Winnipeg', -6, 3.6), r('Saskatchewan', 'America/Regina', -6, 3),
      r('Nova Scotia', 'America/Halifax', -4, 2.6),
    ],
  },
  // Ofcom's drama range 07700 900000-900999, spilling over into the neighbouring blocks for huge stores.
  { code: 'GB', weight: 8, zone: 'international', phone: { prefix: '+447700', base: 900000, width: 6 }, regions: [r(null, 'Europe/London', 0)] },
  {
    // ACMA's fictional mobile range 0491 570 xxx, same spill-over rule.
    code: 'AU', weight: 6, zone: 'international', phone: { prefix: '+61491', base: 570000, width: 6 },
    regions: [
      r('New South Wales', 'Australia/Sydney', 10, 32), r('Victoria', 'Australia/Melbourne', 10, 26),
      r('Queensland', 'Australia/Brisbane', 10, 20), r('Western Australia', 'Australia/Perth', 8, 11),
      r('South Australia', 'Australia/Adelaide', 9.5, 7), r('Tasmania', 'Australia/Hobart', 10, 2),
    ],
  },
  { code: 'DE', weight: 5, zone: 'international', phone: null, regions: [r(null, 'Europe/Berlin', 1)] },
  // ARCEP's fiction range 06 39 98 xx xx.
  { code: 'FR', weight: 4, zone: 'international', phone: { prefix: '+336', base: 39980000, width: 8 }, regions: [r(null, 'Europe/Paris', 1)] },
  { code: 'NL', weight: 3, zone: 'international', phone: null, regions: [r(null, 'Europe/Amsterdam', 1)] },
  { code: 'SE', weight: 1.3, zone: 'international', phone: null, regions: [r(null, 'Europe/Stockholm', 1)] },
  { code: 'IE', weight: 1.5, zone: 'international', phone: null, regions: [r(null, 'Europe/Dublin', 0)] },
  { code: 'NZ', weight: 1.2, zone: 'international', phone: null, regions: [r(null, 'Pacific/Auckland', 12)] },
];

/**
 * North American area codes (NPA): first digit 2-9, middle digit not 9 (reserved), no N11 service codes.
 * Combined with the exchange 555 and lines from 0100 upwards (555-0100..0199 is the range reserved for
 * fiction), numbers are fictional-looking, and 712 area codes keep them unique for millions of customers.
 */
export const NANP_AREA_CODES: readonly number[] = (() => {
  const out: number[] = [];
  for (let npa = 200; npa <= 989; npa++) {
    const middle = Math.floor(npa / 10) % 10;
    if (middle === 9 || npa % 100 === 11) continue;
    out.push(npa);
  }
  return out;
})();

/** The k-th (0-based) phone number of a country's plan; distinct k give distinct numbers. */
export function phoneNumber(country: Country, k: number): string | null {
  const plan = country.phone;
  if (plan === null) return null;
  if (plan === 'nanp') {
    const npa = NANP_AREA_CODES[k % NANP_AREA_CODES.length];
    const line = 100 + Math.floor(k / NANP_AREA_CODES.length);
    return `+1${npa}555${String(line).padStart(4, '0')}`;
  }
  return plan.prefix + String(plan.base + k).padStart(plan.width, '0');
}

// ------------------------------------------------------------------------------------- discount codes

export type CodeKind = 'welcome' | 'seasonal' | 'vip' | 'winback' | 'evergreen';

export interface DiscountCode {
  code: string;
  percent: number;
  kind: CodeKind;
}

export const CODES = {
  WELCOME10: { code: 'WELCOME10', percent: 10, kind: 'welcome' },
  BFCM25: { code: 'BFCM25', percent: 25, kind: 'seasonal' },
  SPRING15: { code: 'SPRING15', percent: 15, kind: 'seasonal' },
  SUMMER20: { code: 'SUMMER20', percent: 20, kind: 'seasonal' },
  VIP20: { code: 'VIP20', percent: 20, kind: 'vip' },
  WINBACK15: { code: 'WINBACK15', percent: 15, kind: 'winback' },
  /** An influencer code coupon hunters find on deal sites: valid all year. */
  FRIENDS10: { code: 'FRIENDS10', percent: 10, kind: 'evergreen' },
} as const satisfies Record<string, DiscountCode>;

// ------------------------------------------------------------------------------------------- people

export const FIRST_NAMES: readonly string[] = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Oliver', 'Sophia', 'Elijah', 'Isabella', 'James', 'Mia', 'William',
  'Amelia', 'Benjamin', 'Harper', 'Lucas', 'Evelyn', 'Henry', 'Abigail', 'Alexander', 'Emily', 'Daniel',
  'Ella', 'Matthew', 'Grace', 'Samuel', 'Chloe', 'David', 'Lily', 'Joseph', 'Zoe', 'Carter', 'Nora', 'Owen',
  'Hannah', 'Wyatt', 'Aria', 'Jack', 'Layla', 'Leo', 'Maya', 'Ethan', 'Priya', 'Mateo', 'Sofia', 'Hiro',
  'Aisha', 'Diego', 'Mei', 'Omar', 'Lena', 'Jonas', 'Camille', 'Louis', 'Sanne', 'Daan', 'Freya', 'Finn',
];

export const LAST_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright',
  'Scott', 'Nguyen', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Patel', 'Kim', 'Chen', 'Murphy', 'Kelly',
  'Campbell', 'Evans', 'Muller', 'Schmidt', 'Fischer', 'Dubois', 'Bernard', 'Laurent', 'de Vries', 'Jansen',
  'Bakker', 'Johansson', 'Byrne', 'OBrien', 'Tanaka', 'Singh',
];

export const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.com', 'example.com', 'example.org'];

/** Relative share of orders by local hour of day: quiet at night, an evening peak after work. */
export const LOCAL_HOUR_WEIGHTS: readonly number[] = [
  0.6, 0.35, 0.2, 0.15, 0.15, 0.25, 0.5, 0.9, 1.2, 1.5, 1.7, 1.8, 2.0, 1.9, 1.8, 1.7, 1.7, 1.8, 2.0, 2.3, 2.5,
  2.4, 1.8, 1.1,
];
