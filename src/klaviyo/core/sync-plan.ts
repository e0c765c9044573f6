/**
 * A sync's plan as the marketer reads it (`segment-sync sync --dry-run`, and the demo when no Klaviyo key
 * is configured): lists to create, profiles to send per list, removals, events, a sample. Pure text.
 */
export interface PlannedList {
  name: string;
  status: 'exists' | 'create' | 'deferred';
  joining: number;
  leaving: number;
}

export interface SyncPlan {
  shop: string;
  runNumber: number;
  connected: boolean;
  baseline: boolean;
  lists: PlannedList[];
  upserts: number;
  skippedUnreachable: number;
  removals: number;
  events: number;
  sample: { customerId: string; joins: string[]; properties: Record<string, unknown> }[];
}

const int = (n: number) => n.toLocaleString('en-US');

export function formatPlan(plan: SyncPlan): string {
  const lines: string[] = [];
  lines.push(`Klaviyo sync plan for ${plan.shop}, segment run #${plan.runNumber}${plan.connected ? '' : ' (no Klaviyo key connected)'}:`);
  const toCreate = plan.lists.filter((list) => list.status === 'create');
  const deferred = plan.lists.filter((list) => list.status === 'deferred');
  lines.push(
    `  lists: ${plan.lists.length} synced, ${toCreate.length} to create` +
      (deferred.length ? `, ${deferred.length} deferred by the daily cap` : ''),
  );
  const width = Math.max(...plan.lists.map((list) => list.name.length), 4);
  for (const list of plan.lists) {
    const mark = list.status === 'create' ? ' (new)' : list.status === 'deferred' ? ' (deferred)' : '';
    lines.push(`    ${list.name.padEnd(width)}  +${int(list.joining).padStart(9)}  -${int(list.leaving).padStart(9)}${mark}`);
  }
  lines.push(`  profiles to upsert: ${int(plan.upserts)} (skipped, no email or phone: ${int(plan.skippedUnreachable)})`);
  lines.push(`  list removals: ${int(plan.removals)}`);
  lines.push(
    plan.baseline
      ? `  "Entered Segment" events: none (first sync: it sets the baseline, no flow fires for the whole base)`
      : `  "Entered Segment" events: ${int(plan.events)}`,
  );
  if (plan.sample.length) {
    lines.push('  sample:');
    for (const profile of plan.sample) {
      const properties = Object.entries(profile.properties)
        .filter(([, value]) => value !== null)
        .map(([key, value]) => `${key}=${Array.isArray(value) ? `[${value.join(',')}]` : String(value)}`)
        .join(' ');
      lines.push(`    ${profile.customerId}${profile.joins.length ? ` joins ${profile.joins.join(', ')}` : ''}: ${properties}`);
    }
  }
  return lines.join('\n');
}
