import type { InboxDelivery, IntakeOutcome } from './webhook-inbox.repository';

/** Where the intake stores a delivery before acknowledging it. */
export interface InboxStore {
  insert(delivery: InboxDelivery): Promise<IntakeOutcome>;
}

/**
 * Group commit for the intake: deliveries arriving while earlier writes are in flight are stored together
 * in the next statement, so under load one commit (one WAL flush) acknowledges many webhooks, while a lone
 * delivery is written at once. Every caller still waits for its own durable write before it is answered.
 */
export class InboxWriter implements InboxStore {
  private queue: { delivery: InboxDelivery; resolve: (outcome: IntakeOutcome) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly store: { insertMany(deliveries: InboxDelivery[]): Promise<IntakeOutcome[]> },
    /**
     * Statements at once. One: the next batch gathers everything that arrives during a commit (on the webhook
     * bench, a lower p99 than two), and the pool stays free for the worker and the other routes.
     */
    private readonly maxInFlight = 1,
    private readonly maxBatch = 500,
  ) {}

  insert(delivery: InboxDelivery): Promise<IntakeOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.inFlight++;
    this.store
      .insertMany(batch.map((item) => item.delivery))
      .then(
        (outcomes) => batch.forEach((item, index) => item.resolve(outcomes[index])),
        (error) => batch.forEach((item) => item.reject(error)),
      )
      .finally(() => {
        this.inFlight--;
        this.flush();
      });
  }
}
