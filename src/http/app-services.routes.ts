/**
 * The app's other web services: Balance Checker (`/balance`), Rate Checker (`/rate`) and Web Service
 * Contacts (`/contacts`) (https://doc.acrobits.net/api/client/intro.html). Same methods, field merging
 * and credentials as Send Message; answers in JSON, or in XML where the error format asks for XML.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { balanceJson, balanceXml } from '../protocol/acrobits/balance.js';
import { contactsJson } from '../protocol/acrobits/contacts.js';
import { rateJson, rateXml, readRateRequest } from '../protocol/acrobits/rate-check.js';
import { appRoute, type SendError } from './acrobits.routes.js';
import type { AppServiceHandlers } from './handlers.js';
import { loggedCredentials } from './logging.js';
import { requestFields } from './request.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'text/xml; charset=utf-8';

export function registerAppServiceRoutes(
  app: FastifyInstance,
  h: AppServiceHandlers,
  sendError: SendError,
  wantsXml: (req: FastifyRequest) => boolean,
): void {
  const route = appRoute(app, sendError);
  const who = (req: FastifyRequest) => {
    const fields = requestFields(req);
    return { fields, credentials: { ...loggedCredentials(req, fields), ip: req.ip } };
  };

  route('/balance', async (req, reply) => {
    const b = await h.checkBalance(who(req).credentials);
    return wantsXml(req)
      ? reply.type(XML_TYPE).send(balanceXml(b))
      : reply.type(JSON_TYPE).send(balanceJson(b));
  });

  route('/rate', async (req, reply) => {
    const { fields, credentials } = who(req);
    const r = await h.checkRate(credentials, () => readRateRequest(fields));
    return wantsXml(req) ? reply.type(XML_TYPE).send(rateXml(r)) : reply.type(JSON_TYPE).send(rateJson(r));
  });

  // JSON only: the app reads XML contacts only through a provider-written transformation.
  route('/contacts', async (req, reply) => {
    const list = await h.listContacts(who(req).credentials);
    return reply.type(JSON_TYPE).send(contactsJson(list));
  });
}
