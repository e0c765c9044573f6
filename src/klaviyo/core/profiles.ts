import { jsonBytes } from './json-bytes';

/**
 * A customer as a Klaviyo profile. Identity: email, phone (E.164) and external_id = the Shopify customer
 * id. Properties are the segment figures (see klaviyo-sync.sql.ts for how each is computed); a property
 * without a value (no VIP tier, no prediction yet) is sent as null rather than left stale. (Klaviyo's
 * `meta.patch_properties.unset` would remove the key, but klaviyo-api 23 cannot serialize it: its type map
 * names the array variant "Array&lt;string&gt;" and the serializer throws.) No consent field is ever
 * written: list membership and properties change no subscription.
 *
 * The SDK takes camelCase attribute names (phoneNumber, externalId) and silently drops snake_case ones;
 * `toSdkProfile` builds what the SDK wants; `profileBytes` measures what it sends (snake_case), which is
 * what the size limits apply to.
 */
export const PROFILE_PROPERTIES = [
  'rfm_group',
  'rfm_score',
  'r',
  'f',
  'm',
  'recency_days',
  'orders',
  'net_spent',
  'aov',
  'vip_tier',
  'segments',
  'last_segment_change',
  'predicted_clv',
  'churn_risk',
] as const;

export type ProfilePropertyName = (typeof PROFILE_PROPERTIES)[number];
export type ProfileProperties = Partial<Record<ProfilePropertyName, string | number | string[] | null>>;
/** Every property, in PROFILE_PROPERTIES order, null where it has no value: what a profile carries. */
export type ProfilePropertyValues = Record<ProfilePropertyName, unknown>;

export interface SyncedCustomer {
  customerId: string;
  email: string | null;
  phone: string | null;
  properties: ProfilePropertyValues;
}

export interface SdkProfile {
  type: 'profile';
  attributes: { email?: string; phoneNumber?: string; externalId: string; properties: Record<string, unknown> };
}

const E164 = /^\+[1-9]\d{7,14}$/;

/** A phone number in E.164 (+ then 8 to 15 digits), or null when the text cannot be one without guessing. */
export function e164(phone: string | null | undefined): string | null {
  if (!phone) return null;
  if (E164.test(phone)) return phone; // as the plan's SQL sends them: most skip the cleaning

  let digits = phone.trim().replace(/[\s().\-/]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  return E164.test(digits) ? digits : null;
}

/** The email to send (trimmed), or null; Klaviyo judges its validity and reports a rejection as an import error. */
export function emailOf(email: string | null | undefined): string | null {
  const trimmed = email?.trim();
  return trimmed ? trimmed : null;
}

/** Whether Klaviyo can identify the customer at all: a profile needs an email or a phone. */
export function reachable(customer: { email: string | null; phone: string | null }): boolean {
  return emailOf(customer.email) !== null || e164(customer.phone) !== null;
}

/** Exactly the profile properties, in their fixed order, from figures that may hold more or fewer: absent ones null. */
export function profileProperties(figures: ProfileProperties): ProfilePropertyValues {
  const properties = {} as ProfilePropertyValues;
  for (const name of PROFILE_PROPERTIES) properties[name] = figures[name] ?? null;
  return properties;
}

/** The properties from their values in PROFILE_PROPERTIES order (as the Klaviyo plan reads them): absent ones null. */
export function propertiesFromValues(values: readonly unknown[]): ProfilePropertyValues {
  const properties = {} as ProfilePropertyValues;
  for (let i = 0; i < PROFILE_PROPERTIES.length; i++) properties[PROFILE_PROPERTIES[i]] = values[i] ?? null;
  return properties;
}

export function toSdkProfile(customer: SyncedCustomer): SdkProfile {
  // Member by member, without spreads or copies: this runs for every profile of a sync, a million of them.
  const attributes: SdkProfile['attributes'] = { externalId: customer.customerId, properties: customer.properties };
  const email = emailOf(customer.email);
  if (email) attributes.email = email;
  const phone = e164(customer.phone);
  if (phone) attributes.phoneNumber = phone;
  return { type: 'profile', attributes };
}

/** `{"type":"profile","attributes":{}}`: the profile around its attributes, as the SDK sends it. */
const PROFILE_ENVELOPE_BYTES = 34;

/** `"name":value`, one attribute as sent. */
function memberBytes(name: string, value: unknown): number {
  return name.length + 3 + jsonBytes(value);
}

/**
 * Serialized bytes of the profile in a request body, as the SDK puts it on the wire (snake_case names),
 * counted without serializing it.
 */
export function profileBytes(profile: SdkProfile): number {
  const { email, phoneNumber, externalId, properties } = profile.attributes;
  let bytes = PROFILE_ENVELOPE_BYTES + memberBytes('external_id', externalId) + 1 + memberBytes('properties', properties);
  if (email !== undefined) bytes += memberBytes('email', email) + 1;
  if (phoneNumber !== undefined) bytes += memberBytes('phone_number', phoneNumber) + 1;
  return bytes;
}
