/**
 * The whole pure pipeline in one call, for tests and small stores: features → RFM quintile scores →
 * percentile ranks → K-means groups → each customer's group. Large stores do the set work in SQL with the
 * same rules (see each module's header) and use only fitRfmGroups / assignGroup from here.
 */
import type { CustomerRecord, OrderRecord } from '../../store/store-records';
import { computeFeatures, type CustomerFeatures } from './features';
import {
  assignGroup,
  fitRfmGroups,
  type FitRfmGroupsOptions,
  type RfmGroupKey,
  type RfmGroupModel,
  type RfmPoint,
} from './rfm-groups';
import { computeRfmScores, percentileRanks, type RfmScore } from './rfm-scores';

export interface SegmentedCustomer extends CustomerFeatures, RfmScore {
  /** Percentile ranks in (0, 1), 1 = best: recent, frequent, big spender. */
  uR: number;
  uF: number;
  uM: number;
  group: RfmGroupKey;
}

export interface SegmentedStore {
  /** Customers with at least one eligible order, sorted by customerId. */
  customers: SegmentedCustomer[];
  model: RfmGroupModel;
}

export function segmentStore(
  customers: CustomerRecord[],
  orders: OrderRecord[],
  asOf: Date,
  options: FitRfmGroupsOptions = {},
): SegmentedStore {
  const features = computeFeatures(customers, orders, asOf);
  const scores = computeRfmScores(features);
  // Recency in days is better when lower, hence higherIsBetter = false: uR near 1 = ordered recently.
  const uR = percentileRanks(
    features.map((customer) => customer.recencyDays),
    false,
  );
  const uF = percentileRanks(
    features.map((customer) => customer.frequency),
    true,
  );
  const uM = percentileRanks(
    features.map((customer) => customer.monetary),
    true,
  );
  const points = features.map((_, i): RfmPoint => [uR[i], uF[i], uM[i]]);
  const model = fitRfmGroups(points, options);
  return {
    customers: features.map((customer, i) => ({
      ...customer,
      ...scores[i],
      uR: uR[i],
      uF: uF[i],
      uM: uM[i],
      group: assignGroup(model, points[i]),
    })),
    model,
  };
}
