/**
 * Carrier webhooks: `/inbound/<carrier-name>` for inbound messages and delivery receipts, through one
 * use-case (`app/receive-webhook.ts`). A refused call (bad signature) stores nothing and gets 403; a
 * payload not of the expected shape gets 400 with the reason; an inbound message for a number no account holds gets 404; anything else gets 2xx, once stored, so the
 * carrier stops retrying, with the body its carrier expects.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { InboundHandlers } from './handlers.js';
import { publicBase } from './request.js';

type SendError = (req: FastifyRequest, reply: FastifyReply, err: unknown) => FastifyReply;

export function registerInboundRoutes(app: FastifyInstance, h: InboundHandlers, sendError: SendError): void {
  app.route<{ Params: { carrier: string } }>({
    // Vonage may call by GET with the fields in the query; the others POST.
    method: ['GET', 'POST'],
    url: '/inbound/:carrier',
    handler: async (req, reply) => {
      const base = publicBase(req, h.publicUrl);
      const out = await h.receiveWebhook(req.params.carrier, {
        method: req.method,
        url: base + req.url,
        headers: req.headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      });
      switch (out.kind) {
        case 'unknown-carrier':
          return sendError(req, reply, notFound('Unknown carrier'));
        case 'refused':
          return sendError(req, reply, forbidden('Signature check failed'));
        case 'malformed':
          return sendError(req, reply, badRequest(`Webhook payload not understood: ${out.reason}`));
        case 'unknown-number':
          return sendError(req, reply, notFound('Unknown destination number'));
        case 'done':
          return reply.type(out.answer.contentType).send(out.answer.body);
      }
    },
  });
}
