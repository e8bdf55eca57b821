/**
 * Account lookups on PostgreSQL, coalesced: every `byUsername` (and every `byNumber`) asked during one
 * turn of the event loop goes to the server as one statement with an array parameter.
 *
 * Why: Send Message reads the sender (authentication compares the stored password hash on every
 * request, so a password change ends every instance's login cache at once) and the recipient. On
 * PostgreSQL each read is a round trip, and on the project machine a round trip's two system calls
 * (the write that wakes the server, the read of its answer) cost more CPU than the query. Under load
 * many requests are parsed in one turn of the event loop, often for the same few accounts, so one
 * statement serves them all. A lone request waits for no timer: the batch leaves on `setImmediate`.
 * If the statement fails, each key is looked up again alone, so one bad key fails only its own callers.
 * SQLite keeps its synchronous per-request reads (store/sql/accounts.ts): they are calls, not round trips.
 */
import type { Account, AccountLookup } from '../../app/ports.js';
import type { Q } from '../sql/accounts.js';
import { PerTurn } from './per-turn.js';
import { type Prepared, prepareRaw } from './prepared.js';

type Row = {
  key: string;
  id: number;
  username: string;
  passwordHash: string;
  region: string;
  creditMicros: number | null;
  number: string | null;
};

const COLUMNS = `a.id, a.username, a.password_hash as "passwordHash", a.region,
  a.credit_micros as "creditMicros", n.number`;

/**
 * select a.username as key, a.*, n.number from accounts a
 * left join account_numbers n on n.account_id = a.id
 * where a.username = any($1) order by a.username, n.position
 */
const BY_USERNAMES = `select a.username as key, ${COLUMNS} from accounts a
  left join account_numbers n on n.account_id = a.id
  where a.username = any($1::text[]) order by a.username, n.position`;

/** The same keyed by one of the account's numbers (the join finds the account, then all its numbers). */
const BY_NUMBERS = `select m.number as key, ${COLUMNS} from account_numbers m
  join accounts a on a.id = m.account_id
  left join account_numbers n on n.account_id = a.id
  where m.number = any($1::text[]) order by m.number, n.position`;

/** Rows (ordered by key, then number position) → one Account per key. */
function fold(rows: readonly Row[]): Map<string, Account> {
  const out = new Map<string, Account>();
  for (const { key, number, ...a } of rows) {
    let account = out.get(key);
    if (!account) {
      account = { ...a, id: Number(a.id), numbers: [] };
      out.set(key, account);
    }
    if (number !== null) account.numbers.push(number);
  }
  return out;
}

type Waiter = { resolve(a: Account | undefined): void; reject(e: unknown): void };

/** Collects keys during one event-loop turn (store/engine/per-turn.ts) and answers them all from one query. */
function coalesce(run: (keys: string[]) => Promise<Map<string, Account>>) {
  const answer = (batch: Map<string, Waiter[]>, found: Map<string, Account>) => {
    // Each caller gets its own copy: the use-cases may keep or change what they receive.
    for (const [key, waiters] of batch) {
      const a = found.get(key);
      for (const w of waiters) w.resolve(a && { ...a, numbers: [...a.numbers] });
    }
  };
  const flush = (batch: Map<string, Waiter[]>) => {
    run([...batch.keys()]).then(
      (found) => answer(batch, found),
      (e: unknown) => {
        if (batch.size === 1) {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(e);
          return;
        }
        // One key the server refuses (a value its text type cannot hold) must not fail the others'
        // lookups: a read is safe to repeat, so each key is asked again alone and fails alone.
        for (const [key, waiters] of batch) flush(new Map([[key, waiters]]));
      },
    );
  };
  const turn = new PerTurn<Map<string, Waiter[]>>(() => new Map(), flush);
  return (key: string) =>
    new Promise<Account | undefined>((resolve, reject) => {
      const batch = turn.current();
      const waiters = batch.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
    });
}

const byUsernames = prepareRaw<string[], Row>(BY_USERNAMES, (keys) => [keys]);
const byNumbers = prepareRaw<string[], Row>(BY_NUMBERS, (keys) => [keys]);

/** The account lookups of the send path for PostgreSQL, coalesced per event-loop turn. */
export function makeCoalescedLookups(q: Q): AccountLookup {
  const query = (statement: Prepared<string[], Row>) => async (keys: string[]) =>
    fold((await statement.run(q, keys)).rows);
  return { byUsername: coalesce(query(byUsernames)), byNumber: coalesce(query(byNumbers)) };
}
