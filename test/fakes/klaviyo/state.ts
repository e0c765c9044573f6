/**
 * The fake account's data, kept compact for a million profiles: Maps of small objects, identifier indexes
 * (email lower-cased, as Klaviyo matches it), list members as Sets of profile ids.
 */
export interface FakeProfile {
  id: string;
  email?: string;
  phone_number?: string;
  external_id?: string;
  /** Standard attributes other than identifiers (first_name, location, ...), when any were sent. */
  attributes?: Record<string, unknown>;
  properties: Record<string, unknown>;
  created: string;
  updated: string;
}

export interface FakeList {
  id: string;
  name: string;
  opt_in_process: string;
  created: string;
  updated: string;
  members: Set<string>;
}

export interface FakeMetric {
  id: string;
  name: string;
  created: string;
}

export interface FakeEvent {
  id: string;
  metricId: string;
  profileId: string;
  time: string;
  value?: number;
  uniqueId: string;
  properties: Record<string, unknown>;
}

export interface ImportError {
  id: string;
  code: string;
  title: string;
  detail: string;
  source: { pointer: string };
  original_payload: Record<string, unknown>;
}

export interface BulkImportJob {
  id: string;
  status: 'queued' | 'processing' | 'complete' | 'cancelled';
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string;
  total_count: number;
  completed_count: number;
  failed_count: number;
  listIds: string[];
  profileIds: string[];
  errors: ImportError[];
}

export interface SubscriptionChange {
  operation: string;
  body: unknown;
  at: string;
}

export class FakeState {
  readonly profiles = new Map<string, FakeProfile>();
  readonly lists = new Map<string, FakeList>();
  readonly metrics = new Map<string, FakeMetric>();
  readonly events: FakeEvent[] = [];
  readonly bulkImportJobs = new Map<string, BulkImportJob>();
  readonly subscriptionChanges: SubscriptionChange[] = [];
  readonly deletionRequests: Array<{ profileId?: string; email?: string; phone_number?: string }> = [];

  readonly byEmail = new Map<string, string>();
  readonly byPhone = new Map<string, string>();
  readonly byExternalId = new Map<string, string>();
  /** Insertion order for stable pagination; deleted ids are skipped. */
  readonly profileOrder: string[] = [];
  private readonly eventKeys = new Set<string>();
  private sequence = 0;

  nextId(kind: 'profile' | 'list' | 'metric' | 'event' | 'job' | 'error'): string {
    this.sequence += 1;
    const n = this.sequence.toString(36).toUpperCase();
    // Shapes like Klaviyo's: 6-character list and metric ids, 26-character ULID-like profile/event/job ids.
    if (kind === 'list' || kind === 'metric') return (kind === 'list' ? 'L' : 'M') + n.padStart(5, '0');
    return `01${kind[0].toUpperCase()}${n.padStart(23, '0')}`;
  }

  /** The distinct profiles the identifiers point at (0, 1, or more: a conflict). Allocation-light: hot path. */
  profileIdFor(identifiers: { email?: string | null; phone_number?: string | null; external_id?: string | null }): string[] {
    const found: string[] = [];
    const push = (id: string | undefined) => {
      if (id !== undefined && found[0] !== id && found[1] !== id && found[2] !== id) found.push(id);
    };
    if (identifiers.external_id) push(this.byExternalId.get(identifiers.external_id));
    if (identifiers.email) push(this.byEmail.get(emailKey(identifiers.email)));
    if (identifiers.phone_number) push(this.byPhone.get(identifiers.phone_number));
    return found;
  }

  createProfile(now: string): FakeProfile {
    // One fixed shape for every profile (fields never deleted, only set to undefined): fast and compact.
    const profile: FakeProfile = { id: this.nextId('profile'), email: undefined, phone_number: undefined, external_id: undefined, attributes: undefined, properties: {}, created: now, updated: now };
    this.profiles.set(profile.id, profile);
    this.profileOrder.push(profile.id);
    return profile;
  }

  setIdentifier(profile: FakeProfile, field: 'email' | 'phone_number' | 'external_id', value: string | null): void {
    const index = field === 'email' ? this.byEmail : field === 'phone_number' ? this.byPhone : this.byExternalId;
    const key = (v: string) => (field === 'email' ? emailKey(v) : v);
    const old = profile[field];
    if (old === value) return;
    if (old !== undefined && index.get(key(old)) === profile.id) index.delete(key(old));
    if (value === null || value === '') profile[field] = undefined;
    else {
      profile[field] = value;
      index.set(key(value), profile.id);
    }
  }

  deleteProfile(id: string): boolean {
    const profile = this.profiles.get(id);
    if (!profile) return false;
    for (const field of ['email', 'phone_number', 'external_id'] as const) this.setIdentifier(profile, field, null);
    for (const list of this.lists.values()) list.members.delete(id);
    this.profiles.delete(id);
    return true;
  }

  metricNamed(name: string, now: string): FakeMetric {
    for (const metric of this.metrics.values()) if (metric.name === name) return metric;
    const metric = { id: this.nextId('metric'), name, created: now };
    this.metrics.set(metric.id, metric);
    return metric;
  }

  /** Stores an event unless one with the same unique_id exists for the profile and metric (Klaviyo's dedupe). */
  recordEvent(event: Omit<FakeEvent, 'id'>): boolean {
    const key = `${event.profileId}\u0000${event.metricId}\u0000${event.uniqueId}`;
    if (this.eventKeys.has(key)) return false;
    this.eventKeys.add(key);
    this.events.push({ id: this.nextId('event'), ...event });
    return true;
  }
}

/** Klaviyo matches emails case-insensitively; most are lower case already, so skip the copy then. */
export function emailKey(email: string): string {
  return /[A-Z]/.test(email) ? email.toLowerCase() : email;
}
