import { ELIGIBLE_FINANCIAL_STATUSES } from './core/eligibility';
import {
  vipTierFor,
  VIP_TIER_KEYS,
  type VipThresholds,
  type VipTier,
  type VipTierSettings,
} from './core/vip-tiers';
import type { SqlExecutor } from '../store/sql-executor';
import type { CustomerPart } from '../store/customer-parts';
import type { VipTierSummary } from './run-summary';
import {
  BUILD_RUN_VIP_MARGINS,
  CLOSE_VIP_INPUTS,
  CREATE_RUN_VIP,
  FETCH_VIP_INPUTS,
  INSERT_RUN_VIP,
  openVipInputsSql,
  RELATIVE_VIP_THRESHOLDS,
} from './vip-tiers.sql';

/** Customers assigned and written per round trip; bounds the process's memory whatever the store's size. */
const VIP_PAGE = 50_000;
const LEVEL: Record<VipTier, number> = { silver: 1, gold: 2, platinum: 3 };
const level = (tier: VipTier | null): number => (tier === null ? 0 : LEVEL[tier]);

interface VipInputRow {
  customer_id: string;
  spend: number;
  returns_rate: number;
  full_price_share: number;
  high_margin_share: number;
}

/** What one part's assignment counted: buyers (spend > 0), members per tier, and tiers moved by behaviour. */
export interface VipTally {
  buyers: number;
  silver: number;
  gold: number;
  platinum: number;
  raised: number;
  lowered: number;
}

/**
 * VIP tiers in a segment run. The inputs come from SQL (the run's features, plus the high-margin share when
 * the shop names categories), the thresholds from one window over all the run's spends in SQL (or the shop's
 * milestones), and every buyer's tier and reason from the core's vipTierFor: a part's buyers stream through it
 * a page at a time from a cursor and land in the temporary table `run_vip` of the part's transaction, which
 * its memberships join (customers with no spend get NO_SPEND_REASON there, as vipTierFor would give them). The
 * rule exists once, in core/vip-tiers.ts.
 */
export class RunVipTiers {
  constructor(private readonly db: SqlExecutor) {}

  /** Stage 1 of core/vip-tiers.ts, over every buyer of the run: the milestones as set, or the relative cut-offs. */
  async thresholds(shopId: number, runId: number, settings: VipTierSettings): Promise<VipThresholds> {
    if (settings.mode === 'absolute') return { ...settings.absolute };
    const basisPoints = VIP_TIER_KEYS.map((tier) => Math.round(settings.relative[tier] * 10_000));
    const [row] = await this.db.query(RELATIVE_VIP_THRESHOLDS, [...basisPoints, shopId, runId]);
    return { silver: row.silver, gold: row.gold, platinum: row.platinum };
  }

  /** Stage 2 for the buyers of one part, into `run_vip`. */
  async assign(
    run: { shopId: number; runId: number; asOf: Date },
    settings: VipTierSettings,
    thresholds: VipThresholds,
    currency: string,
    part: CustomerPart,
  ): Promise<VipTally> {
    const { shopId, runId, asOf } = run;
    await this.db.query(CREATE_RUN_VIP);
    const withMargins = settings.highMarginCategories.length > 0;
    if (withMargins) {
      await this.db.query(BUILD_RUN_VIP_MARGINS, [
        shopId,
        asOf,
        ELIGIBLE_FINANCIAL_STATUSES,
        settings.highMarginCategories,
        part.parts,
        part.part,
      ]);
    }
    const tally: VipTally = { buyers: 0, silver: 0, gold: 0, platinum: 0, raised: 0, lowered: 0 };
    await this.db.query(openVipInputsSql(withMargins), [shopId, runId, part.parts, part.part]);
    for (;;) {
      const page: VipInputRow[] = await this.db.query(FETCH_VIP_INPUTS(VIP_PAGE));
      if (page.length === 0) break;
      const ids: string[] = [];
      const tiers: (VipTier | null)[] = [];
      const baseTiers: (VipTier | null)[] = [];
      const reasons: string[] = [];
      for (const row of page) {
        const customer = {
          customerId: row.customer_id,
          trailing12mSpend: row.spend,
          returnsRate: row.returns_rate,
          fullPriceShare: row.full_price_share,
          highMarginShare: row.high_margin_share,
        };
        const { tier, baseTier, reason } = vipTierFor(customer, thresholds, settings, { currency });
        ids.push(row.customer_id);
        tiers.push(tier);
        baseTiers.push(baseTier);
        reasons.push(reason);
        if (row.spend > 0) tally.buyers += 1;
        if (tier !== null) tally[tier] += 1;
        if (level(tier) > level(baseTier)) tally.raised += 1;
        if (level(tier) < level(baseTier)) tally.lowered += 1;
      }
      await this.db.query(INSERT_RUN_VIP, [ids, tiers, baseTiers, reasons]);
    }
    await this.db.query(CLOSE_VIP_INPUTS);
    // The memberships join this table; without statistics the planner hashed the million feature rows
    // instead of these (1M customers: 9.2 s for that insert, 7.4 s with them).
    await this.db.query(`ANALYZE run_vip`);
    return tally;
  }
}

/** The run's VIP summary from its thresholds and the tallies of its parts. */
export function describeVipTiers(settings: VipTierSettings, thresholds: VipThresholds, tallies: VipTally[]): VipTierSummary {
  const total = (key: keyof VipTally) => tallies.reduce((sum, tally) => sum + tally[key], 0);
  return {
    mode: settings.mode,
    thresholds,
    counts: { silver: total('silver'), gold: total('gold'), platinum: total('platinum') },
    buyers: total('buyers'),
    raised: total('raised'),
    lowered: total('lowered'),
  };
}
