import type { DataSource } from 'typeorm';
import type { ShopsRepository } from '../../shops/shops.repository';
import type { CustomerDataDocument } from './customer-data-export';
import { PrivacyRequests } from './privacy-requests';

/**
 * A merchant's data request from the command line: the same document customers/data_request produces,
 * recorded (and audited) the same way.
 */
export class CustomerDataRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shops: ShopsRepository,
  ) {}

  async export(domain: string | null, customerId: string): Promise<CustomerDataDocument> {
    const shop = await this.shops.resolve(domain);
    return this.dataSource.transaction(async (manager) => {
      const { document } = await new PrivacyRequests(manager, null).dataRequest(shop, customerId.trim(), {
        topic: 'customers/data_request',
        source: 'cli',
        requestRef: null,
        webhookId: null,
        receivedAt: null,
      });
      return document;
    });
  }
}
