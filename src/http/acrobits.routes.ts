/**
 * The app-facing routes. Each handler parses with `protocol/acrobits`, calls one use-case and renders.
 * Methods: GET, POST and PUT (the app's `<Prefix>Method`, https://doc.acrobits.net/api/client/intro.html); others get 405 with a
 * message (a HEAD must never send a message).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { methodNotAllowed } from '../errors.js';
import { fetchResponse, readFetchRequest } from '../protocol/acrobits/fetch-messages.js';
import { readRemovalReport, readTokenReport } from '../protocol/acrobits/push-token.js';
import { readSendRequest, sendResponse } from '../protocol/acrobits/send-message.js';
import type { AppHandlers } from './handlers.js';
import { loggedCredentials } from './logging.js';
import { requestFields } from './request.js';

const ALLOWED = ['GET', 'POST', 'PUT'];
const ALL_METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS'] as const;

export type SendError = (req: FastifyRequest, reply: FastifyReply, err: unknown) => FastifyReply;

/** A route for an app service: every method reaches it, those not allowed get 405 with a message. */
export function appRoute(app: FastifyInstance, sendError: SendError) {
  return (url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    app.route({
      method: [...ALL_METHODS],
      url,
      // Not async itself: the allowed methods go straight on to the handler's own promise.
      handler: (req, reply) => {
        if (!ALLOWED.includes(req.method)) {
          reply.header('allow', ALLOWED.join(', '));
          return sendError(req, reply, methodNotAllowed(req.method));
        }
        return handler(req, reply);
      },
    });
}

export function registerAcrobitsRoutes(app: FastifyInstance, h: AppHandlers, sendError: SendError): void {
  const route = appRoute(app, sendError);

  route('/send_message', async (req, reply) => {
    const fields = requestFields(req);
    const { username, password } = loggedCredentials(req, fields);
    // The request id goes into the message's timeline (`accepted`), so a log line and a message meet.
    // It comes first: a spread followed by a field it lacks is V8 11's slow path (Node 20).
    const result = await h.sendMessage({ username, password, ip: req.ip }, () => ({
      requestId: req.id,
      ...readSendRequest(fields),
    }));
    req.smsId = result.smsId;
    return reply.type('application/json; charset=utf-8').send(sendResponse(result.smsId));
  });

  // Same field merging and authentication as Send Message: only the reader differs.
  route('/fetch_messages', async (req, reply) => {
    const fields = requestFields(req);
    const { username, password } = loggedCredentials(req, fields);
    const r = await h.fetchMessages({ username, password, ip: req.ip }, () => readFetchRequest(fields));
    return reply.type('application/json; charset=utf-8').send(fetchResponse(r.now, r.received, r.sent));
  });

  // Any 2xx will do (push_token_reporter doc); matrix2acrobits answers `{}`.
  route('/push_token', async (req, reply) => {
    const fields = requestFields(req);
    const { username, password } = loggedCredentials(req, fields);
    await h.reportPushToken({ username, password, ip: req.ip }, () => readTokenReport(fields));
    return reply.type('application/json; charset=utf-8').send('{}');
  });

  // 2xx even when nothing matched (account_removal_reporter doc).
  route('/account_removal', async (req, reply) => {
    const fields = requestFields(req);
    const { username, password } = loggedCredentials(req, fields);
    await h.reportAccountRemoval({ username, password, ip: req.ip }, () => readRemovalReport(fields));
    return reply.type('application/json; charset=utf-8').send('{}');
  });
}
