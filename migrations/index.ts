import { InitialSchema1764230400000 } from './1764230400000-InitialSchema';

/** Every migration, oldest first; the data source applies the pending ones on start. */
export const MIGRATIONS = [InitialSchema1764230400000];
