/**
 * Contract: every GraphQL document the connector sends is valid against Shopify's published Admin schema
 * (API version 2026-10), offline. The fake checks the same at run time; this catches it before any test runs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, parse, validate } from 'graphql';
import { allDocuments, bulkCustomersQuery, bulkOrdersQuery, RUN_BULK_QUERY } from '../src/shopify/admin/documents';

const SCHEMA_FILE = resolve(__dirname, '../../shared/specs/shopify-admin-2026-10.introspection.json.gz');

describe('the Admin API documents', () => {
  const schema = buildClientSchema(JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString()).data, {
    // The published schema breaks a few of graphql-js's own schema rules (deprecations on interface fields).
    assumeValid: true,
  });

  it.each(allDocuments().map((document) => [document.replace(/\s+/g, ' ').slice(0, 60), document]))(
    'are valid against the 2026-10 schema: %s',
    (_name, document) => {
      expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
    },
  );

  it('start bulk operations without grouping (children are joined by __parentId, not by position)', () => {
    expect(RUN_BULK_QUERY).toContain('groupObjects: false');
  });

  it('inline the search filter of a bulk query as a GraphQL string', () => {
    expect(bulkOrdersQuery(`created_at:>='2016-11-27T00:00:00Z'`)).toContain(`orders(query: "created_at:>='2016-11-27T00:00:00Z'")`);
    expect(bulkCustomersQuery()).toMatch(/^\{ customers \{ edges/);
  });
});
