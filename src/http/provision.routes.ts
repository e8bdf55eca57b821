/**
 * `/provision`: Cloud Softphone's external provisioning
 * (https://doc.acrobits.net/provisioning/external_provisioning.html). The provider points the portal's
 * provisioning URL here with the sign-in's `%username%` and `%password%` (in the query or the body,
 * under the same field names and aliases as Send Message); a login that works gets `200` and an
 * `<account>` document (`application/xml`) that configures every messaging service, which the app
 * merges with its default provisioning. A login that fails gets a non-2xx with the message in the
 * body, the custom-message form that page describes; always XML here, since the app reads this
 * answer as XML.
 */
import type { FastifyInstance } from 'fastify';
import type { Provision } from '../app/provision.js';
import { badRequest } from '../errors.js';
import {
  accountXmlDocument,
  accountXmlFragment,
  TEMPLATE_STYLES,
  type TemplateStyle,
} from '../protocol/acrobits/account-xml.js';
import { xmlError } from '../protocol/acrobits/errors.js';
import { pick } from '../protocol/acrobits/fields.js';
import { mapError } from './error-map.js';
import { loggedCredentials } from './logging.js';
import { publicBase, requestFields } from './request.js';

export interface ProvisionHandlers {
  /** `server.publicUrl`; empty = the request's own scheme and Host. */
  publicUrl: string;
  provision: Provision;
}

export function registerProvisionRoute(app: FastifyInstance, h: ProvisionHandlers): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/provision',
    handler: async (req, reply) => {
      try {
        const fields = requestFields(req);
        const { username, password } = loggedCredentials(req, fields);
        const style = (pick(fields, ['style']) ?? 'json') as TemplateStyle;
        if (!TEMPLATE_STYLES.includes(style)) {
          throw badRequest(`Unknown style ${style.slice(0, 20)} (use ${TEMPLATE_STYLES.join(', ')})`);
        }
        const account = await h.provision({ username, password, ip: req.ip });
        const base = publicBase(req, h.publicUrl);
        // The credentials the app signed in with become the account's: the templates send them back as
        // `%account[username]%` and `%account[password]%` (https://doc.acrobits.net/cloudsoftphone/account.html).
        const xml = accountXmlDocument(accountXmlFragment(base, style), [
          ['title', account.username],
          ['username', account.username],
          ['password', password ?? ''],
        ]);
        return reply.type('application/xml; charset=utf-8').header('cache-control', 'no-store').send(xml);
      } catch (err) {
        const mapped = mapError(err);
        if (mapped.internal) req.log.error({ err }, 'request failed');
        return reply
          .code(mapped.status)
          .type('application/xml; charset=utf-8')
          .send(xmlError(mapped.message));
      }
    },
  });
}
