/** PostgreSQL's code for a row that would break a unique key (embedded and server alike). */
const UNIQUE_VIOLATION = '23505';

/** Whether a failed query broke a unique key (TypeORM's QueryFailedError carries the driver's code). */
export function isUniqueViolation(error: unknown): boolean {
  const failed = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return failed?.driverError?.code === UNIQUE_VIOLATION || failed?.code === UNIQUE_VIOLATION;
}
