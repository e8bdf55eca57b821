/** How long message timelines are kept (docs/timeline.md). */
import { type Static, Type } from 'typebox';

export const Timeline = Type.Object(
  {
    retentionDays: Type.Integer({
      minimum: 0,
      maximum: 36500,
      default: 0,
      description:
        "Timeline events older than this many days are deleted by a prune that runs at start and then every `pruneIntervalSec` in the server and the worker; 0 = kept as long as their message (a deleted message's events always go with it).",
    }),
    pruneIntervalSec: Type.Integer({
      minimum: 10,
      maximum: 7 * 86400,
      default: 3600,
      description: 'How often the timeline prune runs, seconds.',
    }),
  },
  {
    additionalProperties: false,
    noun: 'timeline',
    default: {},
    description: "Each message's timeline (what happened to it, step by step): its retention.",
  },
);

export type TimelineConfig = Static<typeof Timeline>;
