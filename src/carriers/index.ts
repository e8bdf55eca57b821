/**
 * The carrier registry: configuration type → factory, one line per type. A factory receives its own
 * slice of the configuration: typed by the type's key table (`<type>/config.ts`), defaults filled in,
 * `env:` secrets read, frozen. Every adapter is wrapped with `withLimits` when the carrier has a
 * throughput (`ratePerSecond`) or `concurrency` limit.
 */
import type { CarrierAdapter } from '../app/ports.js';
import type { CarrierConfig, CarrierType } from './config-tables.js';
import { makeHttpGenericCarrier } from './http/generic.js';
import { withLimits } from './limits.js';
import { type LogCarrierSink, makeLogCarrier } from './log/send.js';
import { makeSmppAdapter } from './smpp/adapter.js';
import type { LinkLog } from './smpp/link.js';
import { makeThreadedSmppAdapter } from './smpp/thread.js';
import { makeTelnyxCarrier } from './telnyx/send.js';
import { makeTwilioCarrier } from './twilio/send.js';
import { makeVoipmsCarrier } from './voipms/send.js';
import { makeVonageCarrier } from './vonage/send.js';

/** What factories may need besides their own slice. */
export interface CarrierContext {
  /** The log carrier's output, and where a carrier with a lasting link (SMPP) reports its state. */
  log: LogCarrierSink & LinkLog;
}

type Factories = {
  [T in CarrierType]: (c: Extract<CarrierConfig, { type: T }>, ctx: CarrierContext) => CarrierAdapter;
};

const FACTORIES: Factories = {
  http: (c) => makeHttpGenericCarrier(c),
  twilio: (c) => makeTwilioCarrier(c),
  telnyx: (c) => makeTelnyxCarrier(c),
  vonage: (c) => makeVonageCarrier(c),
  voipms: (c) => makeVoipmsCarrier(c),
  smpp: (c, ctx) => (c.thread ? makeThreadedSmppAdapter(c, ctx.log) : makeSmppAdapter(c, ctx.log)),
  log: (c, ctx) => makeLogCarrier(c, ctx.log),
};

/** Build every configured carrier, by name. Not started: call `start` on those that have it. */
export function buildCarriers(
  carriers: readonly CarrierConfig[],
  ctx: CarrierContext,
): Map<string, CarrierAdapter> {
  const out = new Map<string, CarrierAdapter>();
  for (const c of carriers) {
    const factory = FACTORIES[c.type] as (c: CarrierConfig, ctx: CarrierContext) => CarrierAdapter;
    const adapter = factory(c, ctx);
    const limited =
      c.ratePerSecond === undefined && c.concurrency === undefined
        ? adapter
        : withLimits(adapter, {
            ...(c.ratePerSecond === undefined ? {} : { ratePerSecond: c.ratePerSecond }),
            ...(c.concurrency === undefined ? {} : { concurrency: c.concurrency }),
          });
    out.set(c.name, limited);
  }
  return out;
}
