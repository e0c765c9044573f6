/**
 * The fake Klaviyo of bench/klaviyo.ts in a process of its own (so the sync and the fake each get a core),
 * with the published rate limits. Started with fork(); sends { baseUrl } when listening and answers
 * { type: 'stats' } with what it counted and holds.
 */
import { FakeKlaviyo } from '../test/fakes/klaviyo';

async function main(): Promise<void> {
  const apiKey = process.env.BENCH_KLAVIYO_KEY ?? 'pk_bench';
  const fake = await FakeKlaviyo.start({ apiKeys: [apiKey], rateLimits: 'published' });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') {
      process.send?.({
        type: 'stats',
        callCounts: { ...fake.callCounts },
        throttledCounts: { ...fake.throttledCounts },
        rejected: fake.rejectedRequests.length,
        rejectedSample: fake.rejectedRequests.slice(0, 3).map((r: any) => ({ operation: r.operation, detail: JSON.stringify(r).slice(0, 300) })),
        profiles: fake.state.profiles.size,
        lists: [...fake.state.lists.values()].map((list) => ({ name: list.name, members: list.members.size })),
        events: fake.eventsOf('Entered Segment').length,
        subscriptionChanges: fake.subscriptionChanges.length,
      });
    } else if (message.type === 'close') {
      void fake.close().then(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', baseUrl: fake.baseUrl });
}

void main();
