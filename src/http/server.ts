/**
 * The Fastify edge: `buildServer(deps)` wires routes, body sniffing, errors and logging; it does not
 * listen (tests call `inject()` or listen on port 0 themselves).
 */
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import type { CheckReadiness } from '../app/readiness.js';
import { jsonError, prefersXml, xmlError } from '../protocol/acrobits/errors.js';
import { registerAcrobitsRoutes } from './acrobits.routes.js';
import type { AdminApiDeps } from './admin/deps.js';
import { ADMIN_AJV, registerAdminApi } from './admin/plugin.js';
import { registerAppServiceRoutes } from './app-services.routes.js';
import { mapError } from './error-map.js';
import type { AppHandlers } from './handlers.js';
import { registerInboundRoutes } from './inbound.routes.js';
import { completionFields, requestId, serializers } from './logging.js';
import { registerMediaRoutes } from './media.routes.js';
import { type MetricsRouteOptions, registerMetricsRoute } from './metrics.routes.js';
import { registerProvisionRoute } from './provision.routes.js';
import { sniffEveryBody } from './request.js';

export interface ServerOptions {
  /** Errors as JSON, as XML, or `auto`: XML when the request's Accept prefers it. */
  errorFormat: 'json' | 'xml' | 'auto';
  /** Longest URL + headers accepted, bytes. */
  maxUrlBytes: number;
  /** Largest message text in bytes; the request body limit is derived from it. */
  maxBodyBytes: number;
  trustProxy: boolean;
  /** Longest wait for the request line and headers, ms (408 after it). */
  headersTimeoutMs: number;
  /** Longest wait for a whole request, headers and body, ms (408 after it). */
  requestTimeoutMs: number;
  /** Idle time allowed between two requests on one keep-alive connection, ms. */
  keepAliveTimeoutMs: number;
  /** Most open connections; one over it is closed unread. */
  maxConnections: number;
}

export interface ServerDeps {
  options: ServerOptions;
  logger: Logger;
  handlers: AppHandlers;
  /** `/readyz`: 200 while the store answers, else 503; `?verbose` shows the store and each carrier link. */
  checkReadiness: CheckReadiness;
  /** textbridge's version, answered by `/livez` and `/readyz?verbose`. */
  version?: string;
  /** Told about each finished request (metrics); absent: nothing is counted. */
  observeRequest?: ObserveRequest;
  /** `GET /metrics` on this listener, and who may read it; absent: not served. */
  metrics?: MetricsRouteOptions;
  /** The admin API, served on this port under `/admin/v1` (when there is no admin listener). */
  admin?: AdminApiDeps;
}

/** One finished request: its route pattern (`unmatched` for a 404), method, status and duration. */
export type ObserveRequest = (route: string, method: string, status: number, seconds: number) => void;

export function buildServer(deps: ServerDeps): FastifyInstance {
  const { options } = deps;
  // A JSON body escapes a character to at most 12 bytes (a surrogate pair as two \uXXXX), a form body
  // to 12 (%XX for each of 4 UTF-8 bytes): leave room for that plus the other fields.
  const bodyLimit = Math.max(1024 * 1024, options.maxBodyBytes * 12 + 64 * 1024);
  const app = Fastify({
    loggerInstance: deps.logger.child({}, { serializers }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    trustProxy: options.trustProxy,
    bodyLimit,
    exposeHeadRoutes: false,
    ajv: ADMIN_AJV,
    routerOptions: { ignoreTrailingSlash: true },
    http: {
      maxHeaderSize: options.maxUrlBytes,
      // Node checks both deadlines on a timer (every 30 s by default, so a 30 s deadline could hold
      // a trickling client for a minute): check ten times per shortest deadline, at most once a second.
      headersTimeout: Math.min(options.headersTimeoutMs, options.requestTimeoutMs),
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1000, Math.floor(Math.min(options.headersTimeoutMs, options.requestTimeoutMs) / 10)),
      ),
    },
    // Fastify's default 0 turns Node's whole-request deadline off: a body trickled a byte a second
    // would hold its connection for ever.
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) =>
      writeClientError(err, socket, options),
    // A path Fastify's router refuses (a parameter over 100 characters, a broken %-escape) gets our
    // answer, not Fastify's own JSON that echoes the whole path back.
    frameworkErrors: (err, req, reply) => sendError(req, reply, err),
    // The load balancer's X-Request-Id (or one of ours) on every log line of the request and its answer.
    genReqId: requestId,
  });
  app.decorateRequest('account', undefined);
  app.decorateRequest('smsId', undefined);
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  // Over the limit Node closes a new connection before reading a byte of it: the cheapest answer to a
  // flood (a 503 would have to accept and parse the request first).
  app.server.maxConnections = options.maxConnections;
  // Node answers an `Expect` it does not know with a bare 417 and closes a CONNECT without a word:
  // both get a status and a message like every other refusal.
  app.server.on('checkExpectation', (_req, res) => {
    const body = jsonError('Unsupported Expect header');
    res
      .writeHead(417, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        connection: 'close',
      })
      .end(body);
  });
  app.server.on('connect', (_req, socket: Socket) =>
    writeRaw(socket, 405, 'Method Not Allowed', jsonError('Method CONNECT is not allowed')),
  );

  // Account XML templates set any Content-Type: take every body as bytes and sniff it ourselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  sniffEveryBody(app);

  const wantsXml = (req: FastifyRequest) =>
    options.errorFormat === 'xml' || (options.errorFormat === 'auto' && prefersXml(req.headers.accept));
  const sendError = (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
    const mapped = mapError(err);
    if (mapped.internal) req.log.error({ err }, 'request failed');
    const xml = wantsXml(req);
    return reply
      .code(mapped.status)
      .type(xml ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8')
      .send(xml ? xmlError(mapped.message) : jsonError(mapped.message));
  };
  app.setErrorHandler((err, req, reply) => sendError(req, reply, err));
  app.setNotFoundHandler((req, reply) => {
    reply.code(404);
    return sendError(req, reply, Object.assign(new Error('not found'), { statusCode: 404 }));
  });

  // One log line per request, on completion, without the query string, and its count and duration by
  // route pattern. With neither (LOG_LEVEL=warn, no metrics) the hook is not installed at all: Fastify
  // then skips the hook runner on every request.
  const logRequests = deps.logger.isLevelEnabled('info');
  const observe = deps.observeRequest;
  if (logRequests || observe) {
    app.addHook('onResponse', (req, reply, done) => {
      const ms = reply.elapsedTime;
      observe?.(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, ms / 1000);
      if (logRequests) req.log.info(completionFields(req, reply.statusCode, ms), 'request');
      done();
    });
  }

  const version = deps.version ?? 'unknown';
  app.get('/livez', async () => ({ status: 'ok', version }));
  app.get('/readyz', async (req, reply) => {
    const r = await deps.checkReadiness();
    const verbose = Object.hasOwn(req.query as object, 'verbose');
    const body = r.ready
      ? { status: 'ready' }
      : { message: `Not ready: the store ${r.store.ok ? 'is not ready' : `fails (${r.store.error})`}` };
    return reply
      .code(r.ready ? 200 : 503)
      .type('application/json; charset=utf-8')
      .send(verbose ? { ...body, version, store: r.store, carriers: r.carriers } : body);
  });

  registerAcrobitsRoutes(app, deps.handlers, sendError);
  registerAppServiceRoutes(app, deps.handlers.appServices, sendError, wantsXml);
  registerInboundRoutes(app, deps.handlers.inbound, sendError);
  registerProvisionRoute(app, deps.handlers.provisioning);
  if (deps.handlers.media) registerMediaRoutes(app, deps.handlers.media, sendError);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics);
  if (deps.admin) registerAdminApi(app, deps.admin);
  return app;
}

/** Too-long URL or a malformed request: answer with a status and a message, never a bare close. */
function writeClientError(err: NodeJS.ErrnoException, socket: Socket, options: ServerOptions): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let message = 'Malformed request';
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    message = `Request is too large: URL and headers over ${Math.floor(options.maxUrlBytes / 1024)} KiB; send long messages by POST`;
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    message = 'Request timed out: it did not arrive in time; check the connection and try again';
  }
  const reason =
    status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  // A response already under way cannot be followed by another on the same socket.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (inFlight?.headersSent) socket.destroy();
  else writeRaw(socket, status, reason, jsonError(message));
}

/**
 * One whole answer written straight to the socket, which is then closed: ended at once, and destroyed
 * a moment later even if the client never closes its side (it may go on trickling bytes). Destroying at
 * once would make the kernel reset the connection over unread input, and the answer could be lost.
 */
function writeRaw(socket: Socket, status: number, reason: string, body: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}

/** How long a client has to read a refusal before its connection is destroyed. */
const CLOSE_GRACE_MS = 1000;
