/**
 * The six RFM groups: K-means on the customers' normalised (uR, uF, uM) points, each cluster then named by
 * what its centre looks like.
 *
 * The space. uR, uF and uM are the mid-rank percentiles of recency, frequency and net spend within the store
 * (rfm-scores.ts), each in (0, 1) with 1 = best: uR high = ordered recently, uF high = many orders, uM high =
 * spent much. Being ranks, they are relative to the store and unaffected by a few huge orders.
 *
 * The fit. k = min(6, number of distinct points). ml-kmeans with k-means++ initialisation runs once per
 * restart with seeds seed, seed+1, …; the run with the lowest inertia (Σ squared distance from each point
 * to its nearest centre) wins, the earliest on a tie. The points are sorted (by uR, then uF, then uM) before
 * fitting, so the result depends on the set of points and the seed, not on the order customers arrive in.
 *
 * NAMING RULE. Each group has a prototype centre (GROUP_PROTOTYPES). The k cluster centres are matched to
 * k distinct prototypes by the assignment that minimises the total squared Euclidean distance between each
 * centre and its prototype, found by trying every injective mapping (at most 6! = 720). Ties go to the
 * first mapping in lexicographic order, with centres ordered by (uR, uF, uM) and prototypes in the order of
 * RFM_GROUPS. A cluster is therefore named by its centre's position relative to all the other centres, not
 * by fixed thresholds: the store's most recent low-frequency cluster becomes New even when its uR is 0.7,
 * and with fewer than six clusters some names are simply unused.
 *
 * Same points and seed → same model. A customer is then assigned to the group of the nearest centre
 * (assignGroup), which also lets a model fitted on a sample classify everyone.
 */
import { kmeans } from 'ml-kmeans';

export const RFM_GROUP_KEYS = ['new', 'about_to_sleep', 'sleepers', 'potential_loyal', 'loyal', 'loyal_at_risk'] as const;
export type RfmGroupKey = (typeof RFM_GROUP_KEYS)[number];

export interface RfmGroup {
  key: RfmGroupKey;
  name: string;
  description: string;
}

export const RFM_GROUPS: readonly RfmGroup[] = [
  { key: 'new', name: 'New', description: 'ordered recently, for the first time or nearly' },
  {
    key: 'about_to_sleep',
    name: 'About to Sleep',
    description: 'no recent order; typically one-order customers drifting away',
  },
  { key: 'sleepers', name: 'Sleepers', description: 'nothing bought for a long time; usually the biggest group' },
  { key: 'potential_loyal', name: 'Potential Loyal', description: 'several orders, not yet attached' },
  { key: 'loyal', name: 'Loyal', description: 'order regularly, above-average value' },
  { key: 'loyal_at_risk', name: 'Loyal at Risk', description: 'were loyal, stopped ordering' },
];

/** A customer in the normalised space: [uR, uF, uM], each in (0, 1), 1 = best. */
export type RfmPoint = [number, number, number];

/**
 * What each group's centre looks like, as [uR, uF, uM]. Frequency prototypes sit low for the three
 * one-order groups because in most stores a majority has a single order, so their tied mid-rank is below
 * 0.5; recency separates them (recent, drifting, long gone).
 */
export const GROUP_PROTOTYPES: Readonly<Record<RfmGroupKey, Readonly<RfmPoint>>> = {
  new: [0.85, 0.25, 0.35],
  about_to_sleep: [0.5, 0.25, 0.3],
  sleepers: [0.15, 0.25, 0.25],
  potential_loyal: [0.7, 0.65, 0.6],
  loyal: [0.8, 0.9, 0.9],
  loyal_at_risk: [0.2, 0.8, 0.8],
};

export interface RfmGroupCentre {
  group: RfmGroupKey;
  centre: RfmPoint;
  /** Number of fitted points nearest to this centre. */
  size: number;
}

export interface RfmGroupModel {
  /** One entry per cluster, in RFM_GROUPS order (names the fit did not use are absent). */
  centres: RfmGroupCentre[];
  /** The base seed; restart i used seed + i. */
  seed: number;
  /** Σ squared distance from each fitted point to its nearest centre, for the winning restart. */
  inertia: number;
  /** K-means iterations of the winning restart. */
  iterations: number;
}

export interface FitRfmGroupsOptions {
  seed?: number;
  restarts?: number;
  maxIterations?: number;
}

/**
 * Recency counts double in the distance K-means minimises. Most buyers of most stores have a single order,
 * so frequency ties them all and, with equal weights, K-means splits that majority by spend as much as by
 * recency: "About to Sleep" came out as old, mid-spend one-timers, hardly distinguishable from Sleepers. With
 * recency weighted 2 (the strongest predictor of a next order in the RFM literature), the one-time buyers
 * split into recent (New), drifting (About to Sleep) and long gone (Sleepers), as the groups mean. A power of
 * two keeps the scaling exact in floating point, so the SQL assignment gives bit-identical distances.
 */
export const RECENCY_WEIGHT = 2;

/** Squared distance in the clustering metric: (2·ΔuR)² + ΔuF² + ΔuM². */
export function squaredDistance(a: Readonly<RfmPoint>, b: Readonly<RfmPoint>): number {
  const dr = RECENCY_WEIGHT * (a[0] - b[0]);
  const df = a[1] - b[1];
  const dm = a[2] - b[2];
  return dr * dr + df * df + dm * dm;
}

function comparePoints(a: Readonly<RfmPoint>, b: Readonly<RfmPoint>): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Index of the nearest centre; ties go to the earlier centre. */
function nearestIndex(centres: readonly Readonly<RfmPoint>[], point: Readonly<RfmPoint>): number {
  let best = 0;
  let bestDistance = Infinity;
  centres.forEach((centre, i) => {
    const distance = squaredDistance(centre, point);
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

/**
 * Names k ≤ 6 cluster centres by the naming rule: the injective centre → prototype mapping with the least
 * total squared distance. Returns the group of each centre, in the order given; ties as documented above
 * (relative to the order of `centres`, so callers sort centres by (uR, uF, uM) first).
 */
export function nameClusters(centres: readonly Readonly<RfmPoint>[]): RfmGroupKey[] {
  if (centres.length > RFM_GROUP_KEYS.length) {
    throw new RangeError(`At most ${RFM_GROUP_KEYS.length} clusters can be named, got ${centres.length}`);
  }
  const cost = centres.map((centre) => RFM_GROUP_KEYS.map((key) => squaredDistance(centre, GROUP_PROTOTYPES[key])));
  let bestTotal = Infinity;
  let bestMapping: number[] = [];
  const mapping: number[] = [];
  const used = new Array<boolean>(RFM_GROUP_KEYS.length).fill(false);
  // Depth-first over prototype indices in increasing order visits mappings lexicographically; keeping only
  // strictly better totals makes the first optimal mapping win.
  const visit = (cluster: number, total: number): void => {
    if (cluster === centres.length) {
      if (total < bestTotal) {
        bestTotal = total;
        bestMapping = [...mapping];
      }
      return;
    }
    for (let prototype = 0; prototype < RFM_GROUP_KEYS.length; prototype++) {
      if (used[prototype]) continue;
      used[prototype] = true;
      mapping.push(prototype);
      visit(cluster + 1, total + cost[cluster][prototype]);
      mapping.pop();
      used[prototype] = false;
    }
  };
  visit(0, 0);
  return bestMapping.map((prototype) => RFM_GROUP_KEYS[prototype]);
}

function assertPoints(points: readonly (readonly number[])[]): void {
  for (const point of points) {
    if (point.length !== 3 || !point.every(Number.isFinite)) {
      throw new RangeError(`An RFM point is three finite numbers [uR, uF, uM], got [${point.join(', ')}]`);
    }
  }
}

function countDistinct(sortedPoints: readonly RfmPoint[]): number {
  let distinct = 0;
  sortedPoints.forEach((point, i) => {
    if (i === 0 || comparePoints(point, sortedPoints[i - 1]) !== 0) distinct += 1;
  });
  return distinct;
}

export function fitRfmGroups(points: RfmPoint[], options: FitRfmGroupsOptions = {}): RfmGroupModel {
  const seed = options.seed ?? 42;
  const restarts = Math.max(1, options.restarts ?? 5);
  assertPoints(points);
  const sorted = points.map((point) => [...point] as RfmPoint).sort(comparePoints);
  const k = Math.min(RFM_GROUP_KEYS.length, countDistinct(sorted));
  if (k === 0) return { centres: [], seed, inertia: 0, iterations: 0 };

  let best: { centres: RfmPoint[]; inertia: number; iterations: number } | undefined;
  for (let restart = 0; restart < restarts; restart++) {
    // K-means minimises plain Euclidean distance, so it runs on points with recency scaled by its weight.
    const weighted = sorted.map(([r, f, m]) => [RECENCY_WEIGHT * r, f, m]);
    const result = kmeans(weighted, k, {
      initialization: 'kmeans++',
      seed: seed + restart,
      ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
    });
    const centres = result.centroids.map((centroid) => [centroid[0] / RECENCY_WEIGHT, centroid[1], centroid[2]] as RfmPoint);
    const inertia = sorted.reduce((sum, point) => sum + squaredDistance(centres[nearestIndex(centres, point)], point), 0);
    if (!best || inertia < best.inertia) best = { centres, inertia, iterations: result.iterations };
  }
  // `best` is set: restarts ≥ 1.
  const winner = best!;

  const orderedCentres = [...winner.centres].sort(comparePoints);
  const names = nameClusters(orderedCentres);
  const centres = orderedCentres
    .map((centre, i) => ({ group: names[i], centre, size: 0 }))
    .sort((a, b) => RFM_GROUP_KEYS.indexOf(a.group) - RFM_GROUP_KEYS.indexOf(b.group));
  // Sizes count points the way assignGroup will assign them, ties included.
  const centrePoints = centres.map((entry) => entry.centre);
  for (const point of sorted) centres[nearestIndex(centrePoints, point)].size += 1;
  return { centres, seed, inertia: winner.inertia, iterations: winner.iterations };
}

/** The group of the nearest centre of the model; ties go to the earlier entry of model.centres. */
export function assignGroup(model: RfmGroupModel, point: RfmPoint): RfmGroupKey {
  if (model.centres.length === 0) throw new Error('The RFM group model has no centres (it was fitted on no customers)');
  return model.centres[nearestIndex(model.centres.map((entry) => entry.centre), point)].group;
}
