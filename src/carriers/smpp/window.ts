/**
 * The SMPP window: at most N requests awaiting their response (SMPP 3.4 §2.9 "asynchronous"
 * operation). Waiters queue in arrival order and give up when their AbortSignal fires.
 */
import { Slots } from '../../app/slots.js';

/** A window of `size` outstanding submit_sm (the shared `Slots` semaphore under the protocol's name). */
export class SubmitWindow extends Slots {}
