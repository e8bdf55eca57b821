/**
 * The `voipms` carrier's key table: sending through the VoIP.ms REST API (SMS only; no webhooks).
 * Source: https://voip.ms/m/apidocs.php
 */
import { type Static, Type } from 'typebox';
import { baseUrl, carrierKeys, timeoutMs } from '../keys.js';

export const VoipmsKeys = carrierKeys('voipms', 'a voipms carrier', {
  apiUsername: Type.String({ minLength: 1, description: "The account's e-mail address (API user)." }),
  apiPassword: Type.String({
    minLength: 1,
    secret: true,
    description: "The API password (set in the portal's API page; not the portal password).",
  }),
  baseUrl: baseUrl('https://voip.ms'),
  timeoutMs: timeoutMs(),
});

/** A voipms carrier's resolved slice. `apiPassword` is a secret. */
export type VoipmsConfig = Static<typeof VoipmsKeys>;
