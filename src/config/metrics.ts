/** The `metrics` section: who may read `GET /metrics` on the main port. */
import { type Static, Type } from 'typebox';

export const Metrics = Type.Object(
  {
    token: Type.String({
      default: '',
      secret: true,
      description:
        'Bearer secret for `GET /metrics` on the main port (env `METRICS_TOKEN`): Prometheus sends `Authorization: Bearer <token>`. Empty: `/metrics` is not served on the main port (docs/operations.md).',
    }),
  },
  {
    additionalProperties: false,
    noun: 'metrics',
    description: 'Prometheus metrics (docs/operations.md).',
    default: {},
  },
);

export type MetricsConfig = Static<typeof Metrics>;
