import { FakeKlaviyo, type FakeKlaviyoOptions } from './server';
import type { FaultSpec } from './faults';

/**
 * The fake in a process of its own (forked by `startFakeKlaviyoProcess` in ./child), so that a benchmark's
 * client and the fake do not share one event loop: a 10,000-profile job costs the fake ~35 ms to parse and
 * validate and ~80 ms to apply, which would otherwise count against the client's wall time.
 * Options come as JSON in FAKE_KLAVIYO_OPTIONS; requests and answers travel over the IPC channel.
 */
export type ChildRequest =
  | { id: number; type: 'summary' }
  | { id: number; type: 'inject'; fault: FaultSpec }
  | { id: number; type: 'members'; listName: string }
  | { id: number; type: 'profiles'; externalIds: string[] }
  | { id: number; type: 'settle' }
  | { id: number; type: 'close' };

export interface FakeSummary {
  callCounts: Record<string, number>;
  throttledCounts: Record<string, number>;
  busyMs: Record<string, number>;
  /** Requests refused as malformed (400, 413, 415, 501), and the first 50 of them. */
  rejected: number;
  rejectedRequests: FakeKlaviyo['rejectedRequests'];
  subscriptionChanges: number;
  profiles: number;
  lists: Array<{ id: string; name: string; members: number }>;
  events: number;
  metrics: string[];
  bulkImportJobs: { jobs: number; complete: number; profiles: number; completed: number; failed: number };
  heapUsedMb: number;
}

export function summarize(fake: FakeKlaviyo): FakeSummary {
  const jobs = [...fake.state.bulkImportJobs.values()];
  return {
    callCounts: fake.callCounts,
    throttledCounts: fake.throttledCounts,
    busyMs: fake.busyMs,
    rejected: fake.rejectedRequests.length,
    rejectedRequests: fake.rejectedRequests.slice(0, 50),
    subscriptionChanges: fake.subscriptionChanges.length,
    profiles: fake.state.profiles.size,
    lists: [...fake.state.lists.values()].map((list) => ({ id: list.id, name: list.name, members: list.members.size })),
    events: fake.state.events.length,
    metrics: [...fake.state.metrics.values()].map((metric) => metric.name),
    bulkImportJobs: {
      jobs: jobs.length,
      complete: jobs.filter((job) => job.status === 'complete').length,
      profiles: jobs.reduce((sum, job) => sum + job.total_count, 0),
      completed: jobs.reduce((sum, job) => sum + job.completed_count, 0),
      failed: jobs.reduce((sum, job) => sum + job.failed_count, 0),
    },
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
}

async function answer(fake: FakeKlaviyo, request: ChildRequest): Promise<unknown> {
  switch (request.type) {
    case 'summary':
      return summarize(fake);
    case 'inject':
      return fake.inject(request.fault);
    case 'members':
      // External ids of every member of every list so named (two lists of one name are a bug to see).
      return fake.listsNamed(request.listName).map((list) => [...list.members].map((id) => fake.state.profiles.get(id)?.external_id ?? id));
    case 'profiles':
      return request.externalIds.map((externalId) => fake.profileByExternalId(externalId) ?? null);
    case 'settle':
      return fake.settle();
    case 'close':
      await fake.close();
      setImmediate(() => process.exit(0));
      return undefined;
  }
}

export async function runStandalone(): Promise<void> {
  const options = JSON.parse(process.env.FAKE_KLAVIYO_OPTIONS ?? '{}') as FakeKlaviyoOptions;
  const fake = await FakeKlaviyo.start(options);
  process.on('message', (request: ChildRequest) => {
    answer(fake, request).then(
      (result) => process.send!({ id: request.id, result }),
      (error: unknown) => process.send!({ id: request.id, error: String(error) }),
    );
  });
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send!({ id: 0, result: fake.baseUrl });
}

if (require.main === module) void runStandalone();
