/**
 * Inbound picture messages wired: the held inbox, the carriers' media fetcher (with their credentials),
 * the preview maker and the `inbound-media` job handler, used by both `serve` and `worker`.
 */
import type { Logger } from 'pino';
import type { InboxStore } from '../app/inbound.js';
import { type HeldInbox, type MakePreview, makeInboundMediaHandler } from '../app/inbound-media.js';
import type { MediaSigner } from '../app/media-urls.js';
import type { Clock, JobHandler, JobKind, OutboxSignal } from '../app/ports.js';
import { makeMediaFetcher, mediaCredentials } from '../carriers/media/fetch.js';
import { makePreview, PreviewsUnavailable } from '../carriers/media/preview.js';
import type { Config } from '../config/index.js';
import { makeHeldInbox } from '../store/adapters/inbound-media.js';
import type { Store } from '../store/adapters/store.js';
import { mediaBase, mediaSigner, openMediaStore } from './media.js';

export interface InboundMediaParts {
  held: HeldInbox;
  handler: JobHandler;
  close(): Promise<void>;
}

/**
 * Undefined when no base for media URLs is configured (`media.publicUrl`, `server.publicUrl`): the
 * app could not be given a URL to download from, so carriers' media URLs are passed on as they are.
 */
export function composeInboundMedia(
  config: Config,
  store: Store,
  inbox: InboxStore,
  jobs: readonly JobKind[],
  outbox: OutboxSignal,
  clock: Clock,
  logger: Logger,
): InboundMediaParts | undefined {
  const publicUrl = mediaBase(config);
  if (!publicUrl) return undefined;
  const fetcher = makeMediaFetcher(mediaCredentials(config.carriers), {
    timeoutMs: config.media.inboundTimeoutMs,
  });
  let signer: Promise<MediaSigner> | undefined;
  const held = makeHeldInbox(store, clock);
  const log = logger.child({ component: 'inbound-media' });
  let unavailable = false;
  // sharp loads at the first preview (carriers/media/preview.ts): if it cannot, say so once.
  const preview: MakePreview = (picture) =>
    makePreview(picture).catch((err: unknown) => {
      if (err instanceof PreviewsUnavailable && !unavailable) {
        unavailable = true;
        log.error({ err }, 'picture previews unavailable: messages are stored without them');
      }
      throw err;
    });
  const handler = makeInboundMediaHandler({
    held,
    inbox,
    media: openMediaStore(config, store.db, clock),
    fetcher,
    signer: () => {
      signer ??= mediaSigner(config, store.db);
      return signer;
    },
    preview,
    jobs,
    outbox,
    clock,
    log,
    options: {
      maxFileBytes: config.media.maxFileBytes,
      urlTtlSec: config.media.urlTtlSec,
      publicUrl,
      retryDelaysMs: config.media.inboundRetryDelaysSec.map((s) => s * 1000),
    },
  });
  return { held, handler, close: () => fetcher.close() };
}
