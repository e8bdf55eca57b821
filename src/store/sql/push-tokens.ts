/** Push token statements, one per function. */
import type { TokenReport } from '../../app/commands.js';
import { prepare } from '../engine/prepared.js';
import type { Q } from './accounts.js';

/** One installation's token pairs, as the Push Token Reporter sends them (push_token_reporter doc), for an account. */
export interface PushTokenRow extends TokenReport {
  accountId: number;
}

/** insert into push_tokens … on conflict (account_id, selector) do update set … */
export async function upsertPushToken(q: Q, t: PushTokenRow, now: number): Promise<void> {
  const values = {
    installid: t.installid,
    token: t.token,
    appid: t.appid,
    token_calls: t.tokenCalls,
    appid_calls: t.appidCalls,
    token_other: t.tokenOther,
    appid_other: t.appidOther,
    updated_at: now,
  };
  await q
    .insertInto('push_tokens')
    .values({ account_id: t.accountId, selector: t.selector, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'selector']).doUpdateSet(values))
    .execute();
}

/** delete from push_tokens where account_id = ? and selector = ? */
export async function deleteBySelector(q: Q, accountId: number, selector: string): Promise<void> {
  await q
    .deleteFrom('push_tokens')
    .where('account_id', '=', accountId)
    .where('selector', '=', selector)
    .execute();
}

/** delete from push_tokens where account_id = ? and ? in (token, token_calls, token_other) */
export async function deleteByToken(q: Q, accountId: number, token: string): Promise<void> {
  await q
    .deleteFrom('push_tokens')
    .where('account_id', '=', accountId)
    .where((eb) =>
      eb.or([eb('token', '=', token), eb('token_calls', '=', token), eb('token_other', '=', token)]),
    )
    .execute();
}

/**
 * delete from push_tokens where account_id = ? and selector = ? and (token = ? or token_other = ?):
 * the push service called this token unknown (404). The token is part of the condition so a fresh
 * report that arrived meanwhile is not thrown away.
 */
export async function deleteDeadToken(
  q: Q,
  accountId: number,
  selector: string,
  token: string,
): Promise<void> {
  await q
    .deleteFrom('push_tokens')
    .where('account_id', '=', accountId)
    .where('selector', '=', selector)
    .where((eb) => eb.or([eb('token', '=', token), eb('token_other', '=', token)]))
    .execute();
}

/**
 * select account_id from push_tokens where account_id = ? limit 1. On every on-net send (a push job
 * is enqueued only for an account with devices), so compiled once.
 */
const anyToken = prepare(
  (q, accountId: number) =>
    q.selectFrom('push_tokens').select('account_id').where('account_id', '=', accountId).limit(1),
  (accountId: number) => [accountId, 1],
);

export async function hasPushTokens(q: Q, accountId: number): Promise<boolean> {
  return (await anyToken.run(q, accountId)).rows.length > 0;
}

/** select … from push_tokens where account_id = ? order by selector */
export async function selectPushTokens(q: Q, accountId: number): Promise<PushTokenRow[]> {
  return q
    .selectFrom('push_tokens')
    .select([
      'account_id as accountId',
      'selector',
      'installid',
      'token',
      'appid',
      'token_calls as tokenCalls',
      'appid_calls as appidCalls',
      'token_other as tokenOther',
      'appid_other as appidOther',
    ])
    .where('account_id', '=', accountId)
    .orderBy('selector')
    .execute();
}
