/**
 * Who moved between RFM groups from one segment run to the next. The SQL diff of memberships computes the
 * same thing; this pure version is its specification and serves tests.
 *
 *   entered  customers whose group in `current` differs from their group in `previous`, including customers
 *            absent from `previous` (from = null). Syncs add them to their new group's list.
 *   left     customers present in `previous` and absent from `current` (e.g. no eligible order any more,
 *            or deleted). Syncs remove them from their old group's list.
 *   matrix   counts of every customer of either run by (from, to), 'none' standing for "not in that run";
 *            all 7 × 7 cells are present, stayers are counted on the diagonal, and none → none is always 0.
 *
 * Both lists are sorted by customerId (code-unit order). A customer listed twice in one run is an error.
 */
import { compareCodeUnits } from './features';
import { RFM_GROUP_KEYS, type RfmGroupKey } from './rfm-groups';

export type Memberships = Map<string, RfmGroupKey> | Array<{ customerId: string; group: RfmGroupKey }>;

export type GroupOrNone = RfmGroupKey | 'none';

export interface MembershipDiff {
  entered: { customerId: string; from: RfmGroupKey | null; to: RfmGroupKey }[];
  left: { customerId: string; from: RfmGroupKey }[];
  matrix: Record<GroupOrNone, Record<GroupOrNone, number>>;
}

const GROUPS_OR_NONE: readonly GroupOrNone[] = [...RFM_GROUP_KEYS, 'none'];

function toMap(memberships: Memberships, which: string): Map<string, RfmGroupKey> {
  if (memberships instanceof Map) return memberships;
  const map = new Map<string, RfmGroupKey>();
  for (const { customerId, group } of memberships) {
    if (map.has(customerId)) throw new Error(`Customer ${customerId} appears twice in the ${which} memberships`);
    map.set(customerId, group);
  }
  return map;
}

export function emptyTransitionMatrix(): Record<GroupOrNone, Record<GroupOrNone, number>> {
  const matrix = {} as Record<GroupOrNone, Record<GroupOrNone, number>>;
  for (const from of GROUPS_OR_NONE) {
    matrix[from] = {} as Record<GroupOrNone, number>;
    for (const to of GROUPS_OR_NONE) matrix[from][to] = 0;
  }
  return matrix;
}

export function diffMemberships(previous: Memberships, current: Memberships): MembershipDiff {
  const before = toMap(previous, 'previous');
  const after = toMap(current, 'current');
  const entered: MembershipDiff['entered'] = [];
  const left: MembershipDiff['left'] = [];
  const matrix = emptyTransitionMatrix();

  for (const [customerId, to] of after) {
    const from = before.get(customerId) ?? null;
    matrix[from ?? 'none'][to] += 1;
    if (from !== to) entered.push({ customerId, from, to });
  }
  for (const [customerId, from] of before) {
    if (after.has(customerId)) continue;
    matrix[from].none += 1;
    left.push({ customerId, from });
  }

  entered.sort((a, b) => compareCodeUnits(a.customerId, b.customerId));
  left.sort((a, b) => compareCodeUnits(a.customerId, b.customerId));
  return { entered, left, matrix };
}
