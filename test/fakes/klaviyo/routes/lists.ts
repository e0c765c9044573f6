import { matches } from '../filters';
import { cursorOf, KlaviyoProblem, pageLinks, pageOfArray } from '../json-api';
import { profileResource } from '../profiles';
import type { FakeList, FakeState } from '../state';
import { filterOf, requireMaxItems, sizeOf, sparse, type RouteContext, type Routes } from './context';

/** Lists and their members. Names are not unique in Klaviyo, so creating "VIP" twice makes two lists. */
export const listRoutes: Routes = {
  get_lists(context) {
    const conditions = filterOf(context);
    const all = [...context.state.lists.values()];
    const keep = (list: FakeList) => conditions.every((c) => matches(c, (field) => listField(list, field)));
    const page = pageOfArray(all, cursorOf(context.query), sizeOf(context, 10), keep);
    return {
      status: 200,
      body: { data: page.items.map((list) => sparse(context, listResource(list, context))), links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) },
    };
  },

  create_list(context) {
    const attributes = context.body.data.attributes;
    const now = context.now();
    const list: FakeList = {
      id: context.state.nextId('list'),
      name: attributes.name,
      opt_in_process: attributes.opt_in_process ?? 'single_opt_in',
      created: now,
      updated: now,
      members: new Set(),
    };
    context.state.lists.set(list.id, list);
    return { status: 201, body: { data: listResource(list, context), links: { self: `${context.baseUrl}/api/lists/${list.id}` } } };
  },

  get_list(context) {
    const list = listOf(context.state, context.params.id);
    return { status: 200, body: { data: sparse(context, listResource(list, context)), links: { self: `${context.baseUrl}/api/lists/${list.id}` } } };
  },

  update_list(context) {
    const list = listOf(context.state, context.params.id);
    const attributes = context.body.data.attributes ?? {};
    if (attributes.name !== undefined) list.name = attributes.name;
    if (attributes.opt_in_process) list.opt_in_process = attributes.opt_in_process;
    list.updated = context.now();
    return { status: 200, body: { data: listResource(list, context) } };
  },

  delete_list(context) {
    listOf(context.state, context.params.id);
    context.state.lists.delete(context.params.id);
    return { status: 204 };
  },

  get_profiles_for_list(context) {
    const list = listOf(context.state, context.params.id);
    const page = context.pager.page(list.members, cursorOf(context.query), sizeOf(context, 20));
    const data = page.items.map((id) => sparse(context, profileResource(context.state.profiles.get(id)!)));
    return { status: 200, body: { data, links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },

  get_profile_ids_for_list(context) {
    const list = listOf(context.state, context.params.id);
    const page = context.pager.page(list.members, cursorOf(context.query), sizeOf(context, 20));
    const data = page.items.map((id) => ({ type: 'profile', id }));
    return { status: 200, body: { data, links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },

  add_profiles_to_list(context) {
    const list = listOf(context.state, context.params.id);
    const ids = memberIds(context);
    for (const id of ids) list.members.add(id);
    if (ids.length) list.updated = context.now();
    return { status: 204 };
  },

  remove_profiles_from_list(context) {
    const list = listOf(context.state, context.params.id);
    const ids = memberIds(context);
    for (const id of ids) list.members.delete(id);
    if (ids.length) list.updated = context.now();
    return { status: 204 };
  },
};

export function listOf(state: FakeState, id: string): FakeList {
  const list = state.lists.get(id);
  if (!list) throw KlaviyoProblem.notFound(`A list with id ${id}`);
  return list;
}

/** The profile ids of a relationships body, at most the published count, each an existing profile. */
function memberIds(context: RouteContext): string[] {
  const data: Array<{ id: string }> = context.body.data;
  requireMaxItems(context.operation, data.length, 'profiles', '/data');
  data.forEach(({ id }, i) => {
    if (!context.state.profiles.has(id)) throw KlaviyoProblem.invalid(`A profile with id ${id} does not exist.`, `/data/${i}/id`);
  });
  return data.map(({ id }) => id);
}

function listField(list: FakeList, field: string): unknown {
  return field === 'id' ? list.id : field === 'name' ? list.name : field === 'created' ? list.created : field === 'updated' ? list.updated : undefined;
}

function listResource(list: FakeList, context: RouteContext): { type: string; id: string; attributes: Record<string, unknown> } & Record<string, unknown> {
  const extra = context.query.get('additional-fields[list]')?.split(',') ?? [];
  return {
    type: 'list',
    id: list.id,
    attributes: {
      name: list.name,
      created: list.created,
      updated: list.updated,
      opt_in_process: list.opt_in_process,
      ...(extra.includes('profile_count') ? { profile_count: list.members.size } : {}),
    },
    relationships: {
      profiles: { links: { self: `${context.baseUrl}/api/lists/${list.id}/relationships/profiles`, related: `${context.baseUrl}/api/lists/${list.id}/profiles` } },
    },
    links: { self: `${context.baseUrl}/api/lists/${list.id}` },
  };
}
