/** The admin API's shared shapes (TypeBox: one declaration for validation, types and OpenAPI). */
import { type Static, type TSchema, Type } from 'typebox';

export const ErrorAnswer = Type.Object(
  { message: Type.String({ description: 'What went wrong, for a person.' }) },
  { description: 'A refusal or failure.' },
);

export const AccountView = Type.Object({
  username: Type.String(),
  region: Type.String({ description: 'Default region for national numbers (ISO 3166 code).' }),
  numbers: Type.Array(Type.String(), {
    description: 'E.164 numbers and extensions; the first is the sender ID.',
  }),
  credit: Type.Union([Type.Number(), Type.Null()], { description: 'Balance; null = unlimited.' }),
  displayName: Type.Optional(Type.String()),
  group: Type.Optional(Type.String()),
});

export const Username = Type.Object({ username: Type.String({ minLength: 1, maxLength: 128 }) });

/** An amount as a decimal string (exact) or a JSON number. */
export const Amount = Type.Union([Type.String({ maxLength: 40 }), Type.Number()]);

/** The usual refusals of an authenticated route, beside its own answers. */
export function answers<R extends Record<number, TSchema>>(ok: R) {
  return {
    ...ok,
    400: ErrorAnswer,
    401: ErrorAnswer,
    403: ErrorAnswer,
    404: ErrorAnswer,
    409: ErrorAnswer,
    429: ErrorAnswer,
  };
}

export const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size.' });

export type AccountViewT = Static<typeof AccountView>;
