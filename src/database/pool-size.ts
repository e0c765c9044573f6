import type { DataSource } from 'typeorm';

/** What `pg` gives a pool when no size is set. */
const PG_DEFAULT_POOL_SIZE = 10;

/**
 * Connections the data source's pool hands out at once: what Database.open set (the embedded database has
 * one), else pg's default. Work split over connections asks here how many it may take.
 */
export function poolSizeOf(dataSource: DataSource): number {
  return (dataSource.options as { poolSize?: number }).poolSize ?? PG_DEFAULT_POOL_SIZE;
}
