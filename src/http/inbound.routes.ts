/**
 * Carrier webhooks: `/inbound/<carrier-name>` for inbound messages and delivery receipts (issue #4).
 * The configured parser checks the signature over the raw bytes and the public URL; a refused call
 * stores nothing and gets 403. An inbound message for a number no account holds is refused with 404
 * and logged. Anything else gets 2xx so the carrier stops retrying; Twilio gets an empty TwiML reply.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookRequest } from '../carriers/http/webhook.js';
import { forbidden, notFound } from '../errors.js';
import type { InboundHandlers } from './handlers.js';

type SendError = (req: FastifyRequest, reply: FastifyReply, err: unknown) => FastifyReply;

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function registerInboundRoutes(app: FastifyInstance, h: InboundHandlers, sendError: SendError): void {
  app.route<{ Params: { carrier: string } }>({
    // Vonage may call by GET with the fields in the query; the others POST.
    method: ['GET', 'POST'],
    url: '/inbound/:carrier',
    handler: async (req, reply) => {
      const carrier = req.params.carrier;
      const hook = h.webhooks.get(carrier);
      if (!hook) return sendError(req, reply, notFound('Unknown carrier'));
      const base = h.publicUrl || `${req.protocol}://${req.host}`;
      const wreq: WebhookRequest = {
        method: req.method,
        url: base + req.url,
        headers: req.headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      };
      const result = hook.parse(wreq);
      if (!result.ok) {
        req.log.warn({ carrier, reason: result.reason }, 'webhook refused');
        return sendError(req, reply, forbidden('Signature check failed'));
      }
      if (result.kind === 'inbound') {
        const r = await h.receiveInbound(result.sms, result.media);
        if (!r.stored && !r.duplicate) {
          req.log.warn(
            { carrier, ref: result.sms.carrierRef, to: result.sms.to },
            'inbound for unknown number',
          );
          return sendError(req, reply, notFound('Unknown destination number'));
        }
        req.log.info(
          { carrier, ref: result.sms.carrierRef, id: r.messageId, duplicate: r.duplicate },
          'inbound',
        );
      } else if (result.kind === 'receipt') {
        const r = await h.handleReceipt(result.receipt);
        req.log.info(
          { carrier, ref: result.receipt.carrierRef, status: result.receipt.status, ...r },
          'receipt',
        );
      }
      return hook.type === 'twilio'
        ? reply.type('text/xml; charset=utf-8').send(TWIML_EMPTY)
        : reply.type('application/json; charset=utf-8').send('{}');
    },
  });
}
