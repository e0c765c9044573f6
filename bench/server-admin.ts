import { Client } from 'pg';

/** One statement on the benchmark's PostgreSQL server over a short-lived connection (CREATE/DROP DATABASE). */
export async function runOnServer(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
