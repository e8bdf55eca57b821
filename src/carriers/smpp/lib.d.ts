/**
 * Local types for `smpp` 0.5 (the package ships none), covering only what textbridge uses.
 * Read from node_modules/smpp/lib/{smpp,pdu,defs}.js at 0.5.1.
 *
 * Named `carriers/smpp/lib.d.ts`, not `smpp.d.ts`: beside `carriers/smpp/adapter.ts` the compiler treats `smpp.d.ts` as that file's
 * own declaration output and drops it from the program, so the ambient module would vanish.
 * The package is CommonJS and fills part of its exports in loops, so import it whole: `import smpp from 'smpp'`.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    /** A decoded PDU: header fields plus the command's parameters and TLVs by their SMPP names. */
    export interface Pdu {
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      /** The matching `*_resp` PDU with the same sequence number. */
      response(options?: Record<string, unknown>): Pdu;
      isResponse(): boolean;
    }

    /** What `Session.send` needs of a request it did not build itself (see carriers/smpp/pdu.ts). */
    export interface OutgoingPdu {
      sequence_number: number;
      isResponse(): boolean;
      toBuffer(): Buffer;
    }

    /**
     * The library's own PDU: built from a command and its options (the tests compare our submit_sm
     * bytes with it), or decoded from a whole PDU's bytes (carriers/smpp/reader.ts).
     */
    export class PDU {
      constructor(command: string, options?: Record<string, unknown>);
      constructor(bytes: Buffer);
      toBuffer(): Buffer;
    }
    /** A PDU object has every field and method of a decoded PDU (declaration merging). */
    export interface PDU extends Pdu {}

    /** Called with the response PDU (matched by sequence number). */
    export type ResponseCallback = (pdu: Pdu) => void;
    /** Every SMPP command is a method: build the PDU from `options`, send it, return false if not writable. */
    export type Command = (
      options?: Record<string, unknown>,
      responseCallback?: ResponseCallback,
      sendCallback?: ResponseCallback,
    ) => boolean;

    /** One SMPP connection, either side. Emits 'connect', 'close', 'error', 'pdu' and each command name. */
    export class Session extends EventEmitter {
      socket: Socket;
      send(
        pdu: Pdu | OutgoingPdu,
        responseCallback?: ResponseCallback,
        sendCallback?: ResponseCallback,
      ): boolean;
      bind_transceiver: Command;
      submit_sm: Command;
      deliver_sm: Command;
      enquire_link: Command;
      unbind: Command;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
    }

    /** A net.Server that emits 'session' for each connection. */
    export class Server extends NetServer {
      sessions: Session[];
    }

    export function createServer(
      options: Record<string, unknown>,
      listener?: (session: Session) => void,
    ): Server;
    export function connect(options: { host: string; port: number }, listener?: () => void): Session;

    /** SMPP 3.4 §5.1.3 command_status values by name (ESME_ROK …). */
    export const errors: Readonly<Record<string, number>>;
  }
  export = smpp;
}
