/**
 * PostgreSQL for tests. When TEXTBRIDGE_TEST_DATABASE_URL points at a server (scripts/test.sh starts a
 * throwaway one when PostgreSQL is installed), each call makes a fresh database on it, so test files
 * never see each other's rows. Without it, tests run on the embedded store.
 */
import pg from 'pg';

export const TEST_PG_URL = process.env['TEXTBRIDGE_TEST_DATABASE_URL'] ?? '';

/** '' (embedded store) or the URL of a new, empty PostgreSQL database. */
export async function freshDatabaseUrl(): Promise<string> {
  if (!TEST_PG_URL) return '';
  const name = `tb_${process.pid}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
