/**
 * Building blocks of the carriers' key tables (`<type>/config.ts`): the keys every carrier entry has,
 * and the annotations the configuration reader understands beside the JSON Schema keywords:
 * - `secret: true`: the value is a secret: `env:NAME` is read from the environment and
 *   `textbridge config check` prints it masked; `secret: 'url'` masks only a URL's password and
 *   credential-like query values;
 * - `noun`: how an object is named in a message (`carriers[2].bdy is not a key of an http carrier`);
 * - `hint`: what a value should look like, said when a pattern or a union does not match.
 * A key with a `default` may be left out; the reader fills it in, so the key's TypeScript type
 * (`Static<…>`) is the resolved one.
 */
import { type TProperties, Type } from 'typebox';

/** The keys every `carriers[]` entry has, whatever its type. */
export function carrierKeys<T extends string, P extends TProperties>(type: T, noun: string, keys: P) {
  return Type.Object(
    {
      name: Type.String({
        pattern: '^[\\w.-]{1,64}$',
        hint: 'must be 1-64 letters, digits, ".", "_" or "-"',
        description:
          "The carrier's name: routes name it, its webhooks arrive at `/inbound/<name>`, receipts are stored under it.",
      }),
      type: Type.Literal(type, { description: 'The carrier type.' }),
      ratePerSecond: Type.Optional(
        Type.Number({
          exclusiveMinimum: 0,
          description: 'Most sends started per second (no limit when absent).',
        }),
      ),
      concurrency: Type.Optional(
        Type.Integer({ minimum: 1, description: 'Most sends in flight at once (no limit when absent).' }),
      ),
      ...keys,
    },
    { additionalProperties: false, noun },
  );
}

/** The milliseconds a carrier waits for an answer's headers, then again for its body. */
export const timeoutMs = () =>
  Type.Integer({
    minimum: 1,
    maximum: 600_000,
    default: 10_000,
    description: "Time allowed for the answer's headers, and again for its body (ms).",
  });

/** A vendor API base URL (a loopback fake in tests). */
export const baseUrl = (url: string) =>
  Type.String({
    pattern: '^https?://',
    hint: 'must start with http:// or https://',
    default: url,
    description: `The API's base URL (default ${url}); a test points it at a fake.`,
  });

/** A semantic check a schema can't express: the key (relative to the carrier) and why it is wrong. */
export type KeyProblem = { key: string; why: string } | undefined;
