/**
 * The carrier registry: configuration type → factory. A new carrier is one file plus one line in
 * `FACTORIES` (STYLE.md habit 5). Every adapter is wrapped with `withLimits` when the carrier has a
 * throughput (`ratePerSecond`) or `concurrency` limit.
 */
import type { CarrierAdapter } from '../app/ports.js';
import type { CarrierSpec, CarrierType } from '../config/delivery.js';
import { type HttpCarrierConfig, makeHttpGenericCarrier } from './http/generic.js';
import { withLimits } from './limits.js';
import { type LogCarrierSink, makeLogCarrier } from './log.js';
import { makeSmppAdapter, type SmppCarrierConfig } from './smpp/adapter.js';
import { makeTelnyxCarrier, type TelnyxConfig } from './telnyx/send.js';
import { makeTwilioCarrier, type TwilioConfig } from './twilio/send.js';
import { makeVoipmsCarrier, type VoipmsConfig } from './voipms/send.js';
import { makeVonageCarrier, type VonageConfig } from './vonage/send.js';

/** What factories may need besides their own slice. */
export interface CarrierContext {
  log: LogCarrierSink;
}

type Factory = (cfg: Record<string, unknown> & { name: string }, ctx: CarrierContext) => CarrierAdapter;

// The settings were checked for their required keys in config/delivery.ts; each factory checks the rest
// and throws naming the key.
const FACTORIES: Record<CarrierType, Factory> = {
  http: (c) => makeHttpGenericCarrier(c as unknown as HttpCarrierConfig),
  twilio: (c) => makeTwilioCarrier(c as unknown as TwilioConfig),
  telnyx: (c) => makeTelnyxCarrier(c as unknown as TelnyxConfig),
  vonage: (c) => makeVonageCarrier(c as unknown as VonageConfig),
  voipms: (c) => makeVoipmsCarrier(c as unknown as VoipmsConfig),
  smpp: (c) => makeSmppAdapter(c as unknown as SmppCarrierConfig),
  log: (c, ctx) => makeLogCarrier(c, ctx.log),
};

/** Build every configured carrier, by name. Not started: call `start` on those that have it. */
export function buildCarriers(
  specs: readonly CarrierSpec[],
  ctx: CarrierContext,
): Map<string, CarrierAdapter> {
  const out = new Map<string, CarrierAdapter>();
  for (const s of specs) {
    const adapter = FACTORIES[s.type]({ ...s.settings, name: s.name }, ctx);
    const limited =
      s.ratePerSecond === undefined && s.concurrency === undefined
        ? adapter
        : withLimits(adapter, {
            ...(s.ratePerSecond === undefined ? {} : { ratePerSecond: s.ratePerSecond }),
            ...(s.concurrency === undefined ? {} : { concurrency: s.concurrency }),
          });
    out.set(s.name, limited);
  }
  return out;
}
