import { Client } from 'pg';

/** One statement on a PostgreSQL server over a short-lived connection (CREATE/DROP DATABASE): for the benchmarks and the tests. */
export async function runOnServer(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
