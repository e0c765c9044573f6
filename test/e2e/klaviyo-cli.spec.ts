import { randomBytes } from 'node:crypto';
import { FakeKlaviyo } from '../fakes/klaviyo';
import { makeTempDir, removeTempDirs, runCli, runCliJson, runCliOk, startService } from './support/cli';

const KEY = 'pk_e2e_0123456789abcdef';
jest.setTimeout(300_000);

describe('segment-sync klaviyo and sync, as a user runs them', () => {
  let fake: FakeKlaviyo;
  let env: { dataDir: string; env: Record<string, string> };
  beforeAll(async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY], jobDelayMs: 50 });
    env = {
      dataDir: makeTempDir(),
      env: { SEGMENT_SYNC_SECRET_KEY: randomBytes(32).toString('hex'), KLAVIYO_API_BASE_URL: fake.baseUrl },
    };
    await runCliOk(['demo', '--customers', '300', '--seed', '3', '--as-of', '2026-11-27'], env);
  });
  afterAll(async () => {
    await fake?.close();
    removeTempDirs();
  });

  it('refuses a wrong key with the reason and stores nothing; a good key is connected and never printed', async () => {
    const wrong = await runCli(['klaviyo', 'connect', '--key', 'pk_not_this_one_42'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: Klaviyo rejected the API key \(401\): check it is a private key/);
    expect(wrong.stdout + wrong.stderr).not.toContain('pk_not_this_one_42');

    const right = await runCliOk(['klaviyo', 'connect', '--key', KEY], env);
    expect(right.stdout).toMatch(/^Connected demo-outfitters\.myshopify\.com to Klaviyo/);
    expect(right.stdout + right.stderr).not.toContain(KEY);
  });

  it('prints the plan on --dry-run without calling Klaviyo, then syncs it', async () => {
    const calls = fake.totalCalls();
    const dry = await runCliOk(['sync', '--dry-run'], env);
    expect(dry.stdout).toMatch(/^Klaviyo sync plan for demo-outfitters\.myshopify\.com, segment run #1:/);
    expect(dry.stdout).toContain('segment-sync · Loyal');
    const planned = Number(dry.stdout.match(/profiles to upsert: ([\d,]+)/)![1].replace(/,/g, ''));
    expect(fake.totalCalls()).toBe(calls);

    const report = await runCliJson(['sync', '--json'], env);
    expect(report.profiles).toMatchObject({ planned, sent: planned, confirmed: planned, rejected: 0 });
    expect(fake.state.profiles.size).toBe(planned);
    expect(fake.rejectedRequests).toEqual([]);
    expect(fake.subscriptionChanges).toEqual([]);

    const again = await runCliJson(['sync', '--json'], env);
    expect(again.profiles.sent).toBe(0);
  });
});

describe('the Klaviyo endpoints of segment-sync serve', () => {
  it('PUT /shops/{d}/klaviyo refuses a wrong key with 400 and the reason, accepts a good one; GET plan; POST sync', async () => {
    const fake = await FakeKlaviyo.start({ apiKeys: [KEY], jobDelayMs: 50 });
    const options = {
      dataDir: makeTempDir(),
      env: { SEGMENT_SYNC_SECRET_KEY: randomBytes(32).toString('hex'), KLAVIYO_API_BASE_URL: fake.baseUrl },
    };
    await runCliOk(['demo', '--customers', '200', '--seed', '5', '--as-of', '2026-11-27'], options);
    const service = await startService(options);
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${service.url}/shops/demo-outfitters.myshopify.com/klaviyo${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    try {
      const wrong = await call('PUT', '', { apiKey: 'pk_wrong_one_77' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.message).toMatch(/^Klaviyo rejected the API key \(401\)/);
      expect(JSON.stringify(wrong.body)).not.toContain('pk_wrong_one_77');
      expect(await call('PUT', '', {})).toMatchObject({ status: 400 });

      const right = await call('PUT', '', { apiKey: KEY });
      expect(right).toEqual({ status: 200, body: { shop: 'demo-outfitters.myshopify.com', account: expect.anything() } });
      expect(JSON.stringify(right.body)).not.toContain(KEY);

      const plan = await call('GET', '/plan');
      expect(plan.status).toBe(200);
      expect(plan.body).toMatchObject({ connected: true, baseline: true });
      const sync = await call('POST', '/sync');
      expect(sync.status).toBe(200);
      expect(sync.body.profiles).toMatchObject({ sent: plan.body.upserts, confirmed: plan.body.upserts });
      expect(fake.state.profiles.size).toBe(plan.body.upserts);
    } finally {
      await service.kill();
      await fake.close();
    }
  });
});
