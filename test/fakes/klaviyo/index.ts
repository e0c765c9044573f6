export { FakeKlaviyo, type FakeKlaviyoOptions, type RejectedRequest } from './server';
export type { FaultKind, FaultSpec } from './faults';
export type { RateLimitOverrides, RateLimitSetting } from './rate-limits';
export type { BulkImportJob, FakeEvent, FakeList, FakeMetric, FakeProfile, ImportError } from './state';
