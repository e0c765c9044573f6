import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOnServer } from '../../bench/server-admin';
import { Database, type DatabaseOptions } from '../../src/database/database';

/**
 * The databases integration tests run against: the embedded PGlite always, and a real PostgreSQL when
 * TEST_DATABASE_URL names a server (CI sets it). Each opened database is fresh: a new data folder, or a new
 * database created on the server and dropped afterwards.
 */
export interface TestDatabaseTarget {
  name: 'pglite' | 'postgres';
  open(): Promise<TestDatabase>;
}

export interface TestDatabase {
  database: Database;
  /** The options to open the same database again (a restart). */
  reopen(): Promise<Database>;
  dispose(): Promise<void>;
}

export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ name: 'pglite', open: openPglite }];
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) targets.push({ name: 'postgres', open: () => openPostgres(serverUrl) });
  return targets;
}

async function openPglite(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'segment-sync-test-'));
  return openReopenable({ databaseUrl: null, dataDir }, async () => rmSync(dataDir, { recursive: true, force: true }));
}

/** Opens the database; reopen() closes and opens it again (a restart); dispose() closes it, then cleans up. */
async function openReopenable(options: DatabaseOptions, cleanUp: () => Promise<void>): Promise<TestDatabase> {
  let database = await Database.open(options);
  return {
    database,
    reopen: async () => {
      await database.close();
      database = await Database.open(options);
      return database;
    },
    dispose: async () => {
      await database.close();
      await cleanUp();
    },
  };
}

/** A new, empty database on the server, and how to drop it. */
export async function createServerDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `segment_sync_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await runOnServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function openPostgres(serverUrl: string): Promise<TestDatabase> {
  const server = await createServerDatabase(serverUrl);
  return openReopenable({ databaseUrl: server.url, dataDir: tmpdir() }, server.drop);
}

