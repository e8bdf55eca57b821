/**
 * Event webhooks to the provider's systems, posted as the Standard Webhooks specification defines
 * (https://www.standardwebhooks.com/, https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 *
 *   webhook-id: msg_…            the event's id, the same on every retry (receivers deduplicate on it)
 *   webhook-timestamp: 1733108400   seconds since the epoch, of this attempt
 *   webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">
 *
 * keyed by the base64 part of the endpoint's `whsec_…` secret. An outbound gateway like the push
 * client, on the carriers' undici round trip (`../http/client.ts`): pooled keep-alive connections, the
 * endpoint's timeout for the headers and again for the body, and no redirects followed (a 3xx is
 * retried like any answer that is not 2xx).
 */
import { createHmac } from 'node:crypto';
import type { WebhookEndpoint } from '../../app/webhook-events.js';
import type { WebhookGateway, WebhookPost } from '../../app/webhook-job.js';
import { makePool, roundTrip } from '../http/client.js';

/** `v1,<signature>` for `post`, keyed by `secret` (`whsec_<base64>`). */
export function signature(secret: string, post: WebhookPost): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${post.id}.${post.timestamp}.${post.body}`).digest('base64');
  return `v1,${mac}`;
}

/** The gateway that posts every endpoint's events. */
export function makeWebhookGateway(userAgent: string): WebhookGateway {
  const dispatcher = makePool(8);
  return {
    async post(endpoint: WebhookEndpoint, post: WebhookPost, signal: AbortSignal) {
      const headers = {
        'content-type': 'application/json',
        'user-agent': userAgent,
        'webhook-id': post.id,
        'webhook-timestamp': String(post.timestamp),
        'webhook-signature': signature(endpoint.secret, post),
      };
      const r = await roundTrip(
        { method: 'POST', url: endpoint.url, headers, body: post.body },
        { dispatcher, signal, timeoutMs: endpoint.timeoutMs },
      );
      return r.ok ? { ok: true, status: r.answer.status } : { ok: false, reason: r.reason };
    },
    close: () => dispatcher.close(),
  };
}
