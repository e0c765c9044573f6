import type { Routes } from './context';

/** The key check, data privacy deletions, and consent changes (recorded, so a test can assert there are none). */
export const accountRoutes: Routes = {
  get_accounts(context) {
    return {
      status: 200,
      body: {
        data: [
          {
            type: 'account',
            id: 'FAKE01',
            attributes: {
              test_account: true,
              contact_information: { default_sender_name: 'Fake Klaviyo', default_sender_email: 'fake@example.com', website_url: 'https://example.com', organization_name: 'Fake Klaviyo', street_address: {} },
              industry: 'Retail',
              timezone: 'UTC',
              preferred_currency: 'USD',
              public_api_key: 'FAKE01',
              locale: 'en-US',
            },
            links: { self: `${context.baseUrl}/api/accounts/FAKE01` },
          },
        ],
        links: { self: `${context.baseUrl}/api/accounts`, next: null, prev: null },
      },
    };
  },

  request_profile_deletion(context) {
    const { state } = context;
    const profile = context.body.data.attributes.profile.data;
    const attributes = profile.attributes ?? {};
    const ids = profile.id ? [profile.id] : state.profileIdFor({ email: attributes.email, phone_number: attributes.phone_number });
    state.deletionRequests.push({ profileId: profile.id ?? undefined, email: attributes.email ?? undefined, phone_number: attributes.phone_number ?? undefined });
    for (const id of ids) state.deleteProfile(id);
    return { status: 202 };
  },

  ...Object.fromEntries(
    ['bulk_subscribe_profiles', 'bulk_unsubscribe_profiles', 'bulk_suppress_profiles', 'bulk_unsuppress_profiles', 'create_client_subscription', 'create_back_in_stock_subscription', 'create_client_back_in_stock_subscription'].map(
      (operation) => [
        operation,
        (context: Parameters<Routes[string]>[0]) => {
          context.state.subscriptionChanges.push({ operation, body: context.body, at: context.now() });
          return { status: 202 };
        },
      ],
    ),
  ),
};
