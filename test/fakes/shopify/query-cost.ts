/**
 * GraphQL cost and throttling as Shopify publishes them (shopify.dev/docs/api/usage/limits), approximated:
 * - scalars and enums 0; an object field 1 plus its selection; a list of objects likewise (once);
 * - a connection (a type named *Connection with pageInfo) 2 + size × (1 + the node's selection), size
 *   being `first` or `last`; `edges`, `node`, `nodes` and `pageInfo` themselves are free;
 * - fragments add their fields (an interface or union costs the sum of its fragments, Shopify takes the
 *   largest: the fake over-charges such documents a little);
 * - a mutation costs 10.
 * The actual cost walks the same selections over the response, with connections sized by what came back.
 * A leaky bucket (maximumAvailable, restoreRate per second) pays the requested cost up front and is refunded
 * the difference once the actual cost is known.
 */
import {
  type FieldNode, type FragmentDefinitionNode, getNamedType, type GraphQLNamedType, type GraphQLSchema,
  isLeafType, isObjectType, isInterfaceType, Kind, type OperationDefinitionNode, type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data?: unknown,
): number {
  if (operation.operation === 'mutation') return MUTATION_COST;
  const root = schema.getQueryType();
  if (!root) return 0;
  return selectionCost({ schema, fragments, variables }, operation.selectionSet, root, data);
}

function selectionCost(walk: Walk, set: SelectionSetNode, type: GraphQLNamedType, data: unknown): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      const def = type.getFields()[selection.name.value];
      if (!def) continue;
      const value = data === undefined ? undefined : (data as Record<string, unknown> | null)?.[selection.alias?.value ?? selection.name.value];
      if (data !== undefined && (value === null || value === undefined)) continue;
      total += fieldCost(walk, selection, getNamedType(def.type), value);
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : type;
      total += selectionCost(walk, fragment.selectionSet, condition ?? type, data);
    }
  }
  return total;
}

function isConnection(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
}

function fieldCost(walk: Walk, field: FieldNode, type: GraphQLNamedType, value: unknown): number {
  if (isLeafType(type) || !field.selectionSet) return 0;
  if (isConnection(type)) {
    const connection = value as { edges?: unknown[]; nodes?: unknown[] } | undefined;
    const size = value === undefined
      ? Number(argument(walk, field, 'first') ?? argument(walk, field, 'last') ?? 0)
      : Math.max(connection?.edges?.length ?? 0, connection?.nodes?.length ?? 0);
    return 2 + size * nodeCost(walk, field.selectionSet, type, connection);
  }
  const sample = Array.isArray(value) ? value[0] : value;
  if (Array.isArray(value) && value.length === 0) return 1;
  return 1 + selectionCost(walk, field.selectionSet, type, sample);
}

/** The cost of one element of a connection: the larger of its `edges { node }` and `nodes` selections. */
function nodeCost(walk: Walk, set: SelectionSetNode, type: GraphQLNamedType, connection?: { edges?: unknown[]; nodes?: unknown[] }): number {
  if (!isObjectType(type)) return 1;
  let cost = 0;
  for (const selection of set.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const name = selection.name.value;
    const element = getNamedType(type.getFields()[name]?.type);
    if (name === 'nodes' && element) {
      const sample = connection?.nodes?.[0];
      cost = Math.max(cost, 1 + selectionCost(walk, selection.selectionSet, element, connection ? sample : undefined));
    } else if (name === 'edges' && isObjectType(element)) {
      for (const inner of selection.selectionSet.selections) {
        if (inner.kind !== Kind.FIELD || inner.name.value !== 'node' || !inner.selectionSet) continue;
        const nodeType = getNamedType(element.getFields().node.type);
        const edge = connection?.edges?.[0] as Record<string, unknown> | undefined;
        const sample = connection ? edge?.[inner.alias?.value ?? 'node'] : undefined;
        cost = Math.max(cost, 1 + selectionCost(walk, inner.selectionSet, nodeType, sample));
      }
    }
  }
  return Math.max(cost, 1);
}

function argument(walk: Walk, field: FieldNode, name: string): unknown {
  const node = field.arguments?.find((a) => a.name.value === name);
  return node ? literal(walk, node.value) : undefined;
}

function literal(walk: Walk, value: ValueNode): unknown {
  if (value.kind === Kind.VARIABLE) return walk.variables[value.name.value];
  if (value.kind === Kind.INT) return Number(value.value);
  return undefined;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Shopify's leaky bucket of query cost points. */
export class CostBucket {
  private available: number;
  private at: number;

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly clock: () => number,
  ) {
    this.available = maximumAvailable;
    this.at = clock();
  }

  private refill(): void {
    const now = this.clock();
    this.available = Math.min(this.maximumAvailable, this.available + ((now - this.at) / 1000) * this.restoreRate);
    this.at = now;
  }

  /** Takes `cost` points if there are enough; false (and nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  /** Empties the bucket (a test that wants the next request throttled). */
  drain(): void {
    this.refill();
    this.available = 0;
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
