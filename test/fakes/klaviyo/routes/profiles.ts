import { matches } from '../filters';
import { cursorOf, KlaviyoProblem, pageLinks, pageOfArray } from '../json-api';
import { profileResource, writeProfile, type ProfileOutcome } from '../profiles';
import { emailKey, type FakeProfile, type FakeState } from '../state';
import { filterOf, indexedValues, sizeOf, sparse, type Routes } from './context';

/** Profiles: create (409 on a taken identifier), upsert (profile-import), patch, get and filter. */
export const profileRoutes: Routes = {
  get_profiles(context) {
    const { state } = context;
    const conditions = filterOf(context);
    const keep = (id: string) => {
      const profile = state.profiles.get(id);
      return !!profile && conditions.every((c) => matches(c, (field) => profileField(profile, field)));
    };
    // Identifier filters use the indexes: the benchmark's account holds a million profiles.
    const candidates = indexedCandidates(state, conditions) ?? state.profileOrder;
    const page = pageOfArray(candidates, cursorOf(context.query), sizeOf(context, 20), keep);
    const data = page.items.map((id) => sparse(context, profileResource(state.profiles.get(id)!)));
    return { status: 200, body: { data, links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },

  get_profile(context) {
    const profile = context.state.profiles.get(context.params.id);
    if (!profile) throw KlaviyoProblem.notFound(`A profile with id ${context.params.id}`);
    return { status: 200, body: { data: sparse(context, profileResource(profile)) } };
  },

  create_profile(context) {
    const outcome = written(writeProfile(context.state, context.body.data, 'create', context.now()));
    return { status: 201, body: { data: profileResource(outcome.profile) } };
  },

  create_or_update_profile(context) {
    const outcome = written(writeProfile(context.state, context.body.data, 'upsert', context.now()));
    return { status: outcome.created ? 201 : 200, body: { data: profileResource(outcome.profile) } };
  },

  update_profile(context) {
    const { id } = context.params;
    if (context.body.data.id !== id) {
      throw new KlaviyoProblem(409, 'conflict', 'Conflict.', `The id in the body (${context.body.data.id}) does not match the URL (${id}).`, '/data/id');
    }
    const outcome = written(writeProfile(context.state, context.body.data, 'update', context.now(), '/data/attributes', id));
    return { status: 200, body: { data: profileResource(outcome.profile) } };
  },
};

export function written(outcome: ProfileOutcome): { profile: FakeProfile; created: boolean } {
  if ('problem' in outcome) {
    const { status, code, title, detail, pointer, meta } = outcome.problem;
    throw new KlaviyoProblem(status, code, title, detail, pointer, meta);
  }
  return outcome;
}

function indexedCandidates(state: FakeState, conditions: ReturnType<typeof filterOf>): string[] | undefined {
  const lookups: Array<[string, (value: string) => string | undefined]> = [
    ['id', (v) => (state.profiles.has(v) ? v : undefined)],
    ['email', (v) => state.byEmail.get(emailKey(v))],
    ['phone_number', (v) => state.byPhone.get(v)],
    ['external_id', (v) => state.byExternalId.get(v)],
  ];
  for (const [field, lookup] of lookups) {
    const values = indexedValues(conditions, field);
    if (values) return [...new Set(values.map(lookup).filter((id): id is string => id !== undefined))];
  }
  return undefined;
}

function profileField(profile: FakeProfile, field: string): unknown {
  if (field.startsWith('properties.')) return profile.properties[field.slice('properties.'.length)];
  if (field === 'id' || field === 'email' || field === 'phone_number' || field === 'external_id' || field === 'created' || field === 'updated') return profile[field];
  return profile.attributes?.[field];
}
