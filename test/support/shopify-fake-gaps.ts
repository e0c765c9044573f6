/**
 * Fields the connector reads that the fake Shopify does not serve yet, filled in for the connector's tests
 * (remove each entry once the fake models the field itself). Applied before any fake starts.
 */
import { DATA_RESOLVERS } from '../fakes/shopify/resolvers';

/** Shopify's SMS consent states (CustomerMarketingConsentState) from the fake's marketingState. */
const SMS_STATE: Record<string, string> = { NOT_SUBSCRIBED: 'NEVER_SUBSCRIBED' };

export function fillFakeShopifyGaps(): void {
  const phone = (DATA_RESOLVERS.CustomerPhoneNumber ??= {});
  if (!phone.smsMarketingConsent) {
    phone.smsMarketingConsent = (source: { marketingState: string }) => ({
      state: SMS_STATE[source.marketingState] ?? source.marketingState,
      optInLevel: 'SINGLE_OPT_IN',
      updatedAt: null,
      collectedFrom: 'OTHER',
      sourceLocation: null,
    });
  }
}
