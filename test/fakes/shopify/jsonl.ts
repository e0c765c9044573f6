/**
 * A bulk query's result as Shopify writes it: JSON Lines, one object per line. Every node of the top-level
 * connection is a line; every node of a nested connection is its own line with `__parentId` (its parent's
 * id) and without the connection in the parent; nested single objects and lists stay inline.
 *
 * A small synchronous executor walks the query's selections over the state with the same resolvers as the
 * GraphQL endpoint (graphql-js execution is ~10× slower, too slow for a million orders), node by node, so the
 * file is produced lazily and memory stays flat. With `interleave`, each root's children are held back and
 * written after the next two roots' lines (parents still come before their children, the only ordering
 * Shopify promises without groupObjects).
 */
import {
  type FieldNode, type FragmentDefinitionNode, getArgumentValues, getNamedType, type GraphQLNamedType,
  type GraphQLObjectType, type GraphQLResolveInfo, isAbstractType, isLeafType, isListType, isNonNullType,
  isObjectType, Kind, type SelectionSetNode,
} from 'graphql';
import type { FakeContext, Resolver } from './context';
import { typeNameOf } from './context';
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

class Flattener {
  constructor(
    private readonly resolve: Resolver,
    private readonly ctx: FakeContext,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  /** One object as a line's JSON; nested connections' nodes go to `children` (with __parentId). */
  object(source: unknown, type: GraphQLObjectType, sets: SelectionSetNode[], children: Json[], parentId?: string): Json {
    const out: Json = {};
    const pending: [FieldNode, GraphQLObjectType][] = [];
    for (const set of sets) {
      for (const field of fieldsOf(set, this.fragments, type.name)) {
        const key = field.alias?.value ?? field.name.value;
        if (field.name.value === '__typename') {
          out[key] = type.name;
          continue;
        }
        const def = type.getFields()[field.name.value];
        const named = getNamedType(def.type);
        if (isConnectionType(named) && field.selectionSet) {
          pending.push([field, named]);
          continue;
        }
        const value = this.field(source, type, field);
        out[key] = this.value(value, def.type, field, children);
      }
    }
    if (parentId !== undefined) out.__parentId = parentId;
    for (const [field, connectionType] of pending) {
      const id = out.id;
      if (typeof id !== 'string') throw new Error(`bulk query: ${type.name} must select id to nest ${field.name.value}`);
      const connection = this.field(source, type, field) as { nodes: unknown[] };
      const { nodeType, selections } = connectionNodes(connectionType, field.selectionSet as SelectionSetNode, this.fragments);
      for (const node of connection.nodes) {
        const concrete = this.concrete(node, nodeType);
        const grandchildren: Json[] = [];
        const line = this.object(node, concrete, selections, grandchildren, id);
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

  private field(source: unknown, type: GraphQLObjectType, field: FieldNode): unknown {
    const def = type.getFields()[field.name.value];
    const args = getArgumentValues(def, field);
    const info = { parentType: type, fieldName: field.name.value } as unknown as GraphQLResolveInfo;
    return this.resolve(source, args, this.ctx, info);
  }

  private value(value: unknown, type: import('graphql').GraphQLOutputType, field: FieldNode, children: Json[]): unknown {
    if (value === null || value === undefined) return null;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) return (value as unknown[]).map((v) => this.value(v, inner.ofType, field, children));
    if (isLeafType(inner)) return value;
    const concrete = this.concrete(value, inner);
    // Nested objects stay inline; their own nested connections would need an id, as Shopify requires.
    return this.object(value, concrete, field.selectionSet ? [field.selectionSet] : [], children);
  }
}

/**
 * The lines of a bulk query, root by root. `roots` yields the top-level connection's nodes in order.
 * Counts are updated as lines are produced.
 */
export function* jsonlLines(
  plan: BulkQueryPlan,
  roots: Iterable<unknown>,
  resolve: Resolver,
  ctx: FakeContext,
  interleave: boolean,
  counts: JsonlCounts,
): Generator<string> {
  const flattener = new Flattener(resolve, ctx, plan.fragments);
  const held: string[][] = [];
  for (const root of roots) {
    const children: Json[] = [];
    const line = flattener.object(root, plan.nodeType, plan.nodeSelections, children);
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
