import type { FakeProfile, FakeState } from './state';

/**
 * Klaviyo's profile identity rules as the fake applies them: a profile is found by id, or by any of
 * external_id, email (case-insensitive) and phone_number; identifiers that point at two different profiles
 * are a conflict; custom properties merge key by key (meta.patch_properties can unset, append, unappend);
 * null clears a standard attribute. Emails and phones are checked the way Klaviyo rejects them.
 */
export interface ProfileResource {
  type?: string;
  id?: string | null;
  attributes?: Record<string, unknown>;
  meta?: { patch_properties?: { append?: Record<string, unknown>; unappend?: Record<string, unknown>; unset?: string | string[] } };
}

export interface ProfileProblem {
  status: number;
  code: string;
  title: string;
  detail: string;
  pointer: string;
  meta?: Record<string, unknown>;
}

export type ProfileOutcome = { profile: FakeProfile; created: boolean } | { problem: ProfileProblem };

const IGNORED = new Set(['_kx', 'anonymous_id', 'properties', 'meta']);
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export function checkIdentifiers(attributes: Record<string, unknown>, pointer: string): ProfileProblem | undefined {
  const email = attributes.email;
  if (typeof email === 'string' && !EMAIL.test(email)) {
    return invalid(`Invalid email address: '${email}'`, `${pointer}/email`);
  }
  const phone = attributes.phone_number;
  if (typeof phone === 'string' && !E164.test(phone)) {
    return invalid(`Invalid phone number format (Example of a valid format: +12345678901): '${phone}'`, `${pointer}/phone_number`);
  }
  return undefined;
}

/**
 * mode 'create': POST /api/profiles (409 when an identifier already belongs to a profile);
 * 'upsert': profile-import, bulk import, events (find or create); 'update': PATCH /api/profiles/{id}.
 */
export function writeProfile(
  state: FakeState,
  resource: ProfileResource,
  mode: 'create' | 'upsert' | 'update',
  now: string,
  pointer = '/data/attributes',
  id?: string,
): ProfileOutcome {
  const attributes = resource.attributes ?? {};
  const problem = checkIdentifiers(attributes, pointer);
  if (problem) return { problem };
  const given = { email: str(attributes.email), phone_number: str(attributes.phone_number), external_id: str(attributes.external_id) };
  const targetId = id ?? resource.id ?? undefined;
  if (mode !== 'update' && !targetId && !given.email && !given.phone_number && !given.external_id) {
    return { problem: invalid('One of email, phone_number or external_id is required to identify a profile.', pointer) };
  }
  const matches = state.profileIdFor(given);
  let profile: FakeProfile | undefined;
  if (targetId) {
    profile = state.profiles.get(targetId);
    if (!profile) return { problem: { status: 404, code: 'not_found', title: 'Not found.', detail: `A profile with id ${targetId} does not exist.`, pointer: '/data/id' } };
    if (matches.some((m) => m !== targetId)) return { problem: conflict(matches.find((m) => m !== targetId)!) };
  } else if (matches.length > 1) {
    return { problem: conflict(matches[0], 'The identifiers given belong to different profiles.') };
  } else if (matches.length === 1) {
    if (mode === 'create') return { problem: conflict(matches[0]) };
    profile = state.profiles.get(matches[0]);
  }
  const created = !profile;
  profile ??= state.createProfile(now);
  apply(state, profile, attributes, resource.meta?.patch_properties);
  profile.updated = now;
  return { profile, created };
}

function apply(
  state: FakeState,
  profile: FakeProfile,
  attributes: Record<string, unknown>,
  patch: NonNullable<ProfileResource['meta']>['patch_properties'],
): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || IGNORED.has(key)) continue;
    if (key === 'email' || key === 'phone_number' || key === 'external_id') state.setIdentifier(profile, key, value as string | null);
    else if (value === null) {
      if (profile.attributes) delete profile.attributes[key];
    } else (profile.attributes ??= {})[key] = value;
  }
  const properties = attributes.properties as Record<string, unknown> | undefined;
  if (properties && typeof properties === 'object') {
    // A new profile adopts the parsed object (no copy: a million of them in the benchmark).
    const target = Object.keys(profile.properties).length === 0 ? (profile.properties = properties) : profile.properties;
    for (const key in properties) target[key] = compact(properties[key]);
  }
  if (!patch) return;
  for (const key of typeof patch.unset === 'string' ? [patch.unset] : (patch.unset ?? [])) delete profile.properties[key];
  for (const [key, value] of Object.entries(patch.append ?? {})) {
    const current = profile.properties[key];
    profile.properties[key] = [...(Array.isArray(current) ? current : current === undefined ? [] : [current]), ...[value].flat()];
  }
  for (const [key, value] of Object.entries(patch.unappend ?? {})) {
    const current = profile.properties[key];
    const drop = new Set([value].flat());
    if (Array.isArray(current)) profile.properties[key] = current.filter((item) => !drop.has(item));
  }
}

/**
 * Property values repeat across a million profiles ('loyal', 'gold', one run's timestamp): share one copy of
 * each short string instead of the one JSON.parse made per profile. Bounded, so unique values cannot grow it.
 */
const shared = new Map<string, string>();
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (typeof value !== 'string' || value.length > 64) return value;
  const known = shared.get(value);
  if (known !== undefined) return known;
  if (shared.size < 100_000) shared.set(value, value);
  return value;
}

export function profileResource(profile: FakeProfile): Record<string, unknown> {
  return {
    type: 'profile',
    id: profile.id,
    attributes: {
      email: profile.email ?? null,
      phone_number: profile.phone_number ?? null,
      external_id: profile.external_id ?? null,
      ...(profile.attributes ?? {}),
      properties: profile.properties,
      created: profile.created,
      updated: profile.updated,
    },
    relationships: {
      lists: { links: { self: `/api/profiles/${profile.id}/relationships/lists`, related: `/api/profiles/${profile.id}/lists` } },
    },
    links: { self: `/api/profiles/${profile.id}` },
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function invalid(detail: string, pointer: string): ProfileProblem {
  return { status: 400, code: 'invalid', title: 'Invalid input.', detail, pointer };
}

function conflict(existingId: string, detail = 'A profile already exists with one of these identifiers.'): ProfileProblem {
  return { status: 409, code: 'duplicate_profile', title: 'Conflict.', detail, pointer: '/data/attributes', meta: { duplicate_profile_id: existingId } };
}
