/**
 * A bulk query's result as Shopify writes it: JSON Lines, one object per line. Every node of the top-level
 * connection is a line; every node of a nested connection is its own line with `__parentId` (its parent's
 * id) and without the connection in the parent; nested single objects and lists stay inline.
 *
 * A small synchronous executor walks the query's selections (compiled once per query) over the state with the
 * same resolvers as the GraphQL endpoint (graphql-js execution is several times slower: too slow for a million
 * orders), node by node, so the file is produced lazily and memory stays flat. With `interleave`, each root's children are held back and
 * written after the next two roots' lines (parents still come before their children, the only ordering
 * Shopify promises without groupObjects).
 */
import {
  type FieldNode, type FragmentDefinitionNode, getArgumentValues, getNamedType, type GraphQLNamedType,
  type GraphQLObjectType, type GraphQLOutputType, type GraphQLResolveInfo, isAbstractType, isLeafType, isListType,
  isNonNullType, isObjectType, Kind, type SelectionSetNode,
} from 'graphql';
import { type FakeContext, type Resolver, type ResolverTable, resolverOf, typeNameOf } from './context';
import { adminSchema } from './schema';

export interface BulkQueryPlan {
  /** The top-level connection field (customers, orders, abandonedCheckouts). */
  root: FieldNode;
  /** The node type of the top-level connection. */
  nodeType: GraphQLObjectType;
  /** Selections on each node (from `edges { node { … } }` and `nodes { … }`). */
  nodeSelections: SelectionSetNode[];
  fragments: Map<string, FragmentDefinitionNode>;
}

export interface JsonlCounts {
  objectCount: number;
  rootObjectCount: number;
}

const isConnectionType = (type: GraphQLNamedType): type is GraphQLObjectType =>
  isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();

/** The node type and node selections of a connection field's selection set. */
export function connectionNodes(
  type: GraphQLObjectType,
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): { nodeType: GraphQLObjectType; selections: SelectionSetNode[] } {
  const nodeType = getNamedType(type.getFields().nodes.type) as GraphQLObjectType;
  const selections: SelectionSetNode[] = [];
  for (const field of fieldsOf(set, fragments)) {
    if (field.name.value === 'nodes' && field.selectionSet) selections.push(field.selectionSet);
    if (field.name.value === 'edges' && field.selectionSet) {
      for (const inner of fieldsOf(field.selectionSet, fragments)) {
        if (inner.name.value === 'node' && inner.selectionSet) selections.push(inner.selectionSet);
      }
    }
  }
  return { nodeType, selections };
}

/** The fields of a selection set with fragments spread in (type conditions are checked by the caller). */
function fieldsOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, typeName?: string): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else {
      const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments.get(s.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition?.name.value;
      if (typeName && condition && condition !== typeName && !implementsType(typeName, condition)) continue;
      out.push(...fieldsOf(fragment.selectionSet, fragments, typeName));
    }
  }
  return out;
}

function implementsType(typeName: string, abstractName: string): boolean {
  const schema = adminSchema();
  const abstract = schema.getType(abstractName);
  const concrete = schema.getType(typeName);
  return !!abstract && isAbstractType(abstract) && isObjectType(concrete) && schema.isSubType(abstract, concrete);
}

type Json = Record<string, unknown>;

/** One selected field, compiled once per query: its resolver, arguments and what its value is. */
interface FieldPlan {
  key: string;
  kind: 'typename' | 'value' | 'connection';
  resolve: Resolver;
  args: Record<string, unknown>;
  info: GraphQLResolveInfo;
  type: GraphQLOutputType;
  /** What the value is, worked out once: leaves are copied, objects flattened inline. */
  shape: 'leaf' | 'object' | 'leaves' | 'objects' | 'other';
  /** The selections below this field (for objects), or on each node (for connections). */
  sets: readonly SelectionSetNode[];
  nodeType?: GraphQLNamedType;
  /** Compiled plans of the selections below, by concrete type name. */
  below: Map<string, FieldPlan[]>;
}

class Flattener {
  constructor(
    private readonly table: ResolverTable,
    private readonly ctx: FakeContext,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  compile(type: GraphQLObjectType, sets: readonly SelectionSetNode[]): FieldPlan[] {
    const plans: FieldPlan[] = [];
    for (const set of sets) {
      for (const field of fieldsOf(set, this.fragments, type.name)) {
        const key = field.alias?.value ?? field.name.value;
        const info = { parentType: type, fieldName: field.name.value } as unknown as GraphQLResolveInfo;
        if (field.name.value === '__typename') {
          plans.push({ key, kind: 'typename', resolve: () => type.name, args: {}, info, type: type as never, shape: 'leaf', sets: [], below: new Map() });
          continue;
        }
        const def = type.getFields()[field.name.value];
        const named = getNamedType(def.type);
        const plan: FieldPlan = {
          key, kind: 'value', resolve: resolverOf(this.table, type.name, field.name.value), args: getArgumentValues(def, field),
          info, type: def.type, shape: shapeOf(def.type), sets: field.selectionSet ? [field.selectionSet] : [], below: new Map(),
        };
        if (isConnectionType(named) && field.selectionSet) {
          const nodes = connectionNodes(named, field.selectionSet, this.fragments);
          Object.assign(plan, { kind: 'connection', sets: nodes.selections, nodeType: nodes.nodeType });
        }
        plans.push(plan);
      }
    }
    return plans;
  }

  private plansBelow(field: FieldPlan, type: GraphQLObjectType): FieldPlan[] {
    let plans = field.below.get(type.name);
    if (!plans) {
      plans = this.compile(type, field.sets);
      field.below.set(type.name, plans);
    }
    return plans;
  }

  /** One object as a line's JSON; nested connections' nodes go to `children` (with __parentId). */
  object(source: unknown, type: GraphQLObjectType, plans: FieldPlan[], children: Json[], parentId?: string): Json {
    const out: Json = {};
    let pending: FieldPlan[] | null = null;
    for (const field of plans) {
      if (field.kind === 'connection') (pending ??= []).push(field);
      else {
        const value = field.resolve(source, field.args, this.ctx, field.info);
        if (field.shape === 'leaf' || value === null || value === undefined) out[field.key] = value ?? null;
        else if (field.shape === 'object') out[field.key] = this.inline(value, field, children);
        else if (field.shape === 'leaves') out[field.key] = value;
        else if (field.shape === 'objects') out[field.key] = (value as unknown[]).map((v) => (v === null ? null : this.inline(v, field, children)));
        else out[field.key] = this.value(value, field.type, field, children);
      }
    }
    if (parentId !== undefined) out.__parentId = parentId;
    for (const field of pending ?? []) {
      const id = out.id;
      if (typeof id !== 'string') throw new Error(`bulk query: ${type.name} must select id to nest ${field.key}`);
      const connection = field.resolve(source, field.args, this.ctx, field.info) as { nodes: unknown[] };
      for (const node of connection.nodes) {
        const concrete = this.concrete(node, field.nodeType as GraphQLNamedType);
        const grandchildren: Json[] = [];
        const line = this.object(node, concrete, this.plansBelow(field, concrete), grandchildren, id);
        children.push(line, ...grandchildren);
      }
    }
    return out;
  }

  private concrete(value: unknown, type: GraphQLNamedType): GraphQLObjectType {
    if (isObjectType(type)) return type;
    const name = typeNameOf(value);
    const concrete = name ? adminSchema().getType(name) : undefined;
    if (!concrete || !isObjectType(concrete)) throw new Error(`bulk query: cannot tell the type of a ${type.name}`);
    return concrete;
  }

  private inline(value: unknown, field: FieldPlan, children: Json[]): Json {
    const concrete = this.concrete(value, getNamedType(field.type) as GraphQLNamedType);
    return this.object(value, concrete, this.plansBelow(field, concrete), children);
  }

  private value(value: unknown, type: GraphQLOutputType, field: FieldPlan, children: Json[]): unknown {
    if (value === null || value === undefined) return null;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) return (value as unknown[]).map((v) => this.value(v, inner.ofType, field, children));
    if (isLeafType(inner)) return value;
    const concrete = this.concrete(value, inner);
    return this.object(value, concrete, this.plansBelow(field, concrete), children);
  }
}

function shapeOf(type: GraphQLOutputType): FieldPlan['shape'] {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isLeafType(inner)) return 'leaf';
  if (!isListType(inner)) return 'object';
  const element = isNonNullType(inner.ofType) ? inner.ofType.ofType : inner.ofType;
  if (isListType(element)) return 'other';
  return isLeafType(element) ? 'leaves' : 'objects';
}

/**
 * The lines of a bulk query, root by root. `roots` yields the top-level connection's nodes in order.
 * Counts are updated as lines are produced.
 */
export function* jsonlLines(
  plan: BulkQueryPlan,
  roots: Iterable<unknown>,
  table: ResolverTable,
  ctx: FakeContext,
  interleave: boolean,
  counts: JsonlCounts,
): Generator<string> {
  const flattener = new Flattener(table, ctx, plan.fragments);
  const rootPlans = flattener.compile(plan.nodeType, plan.nodeSelections);
  const held: string[][] = [];
  for (const root of roots) {
    const children: Json[] = [];
    const line = flattener.object(root, plan.nodeType, rootPlans, children);
    counts.rootObjectCount += 1;
    counts.objectCount += 1 + children.length;
    yield JSON.stringify(line);
    const childLines = children.map((c) => JSON.stringify(c));
    if (!interleave) {
      yield* childLines;
      continue;
    }
    held.push(childLines);
    if (held.length > 2) yield* held.shift() as string[];
  }
  for (const lines of held) yield* lines;
}
