import { z } from 'zod';
import type { SegmentRunOptions } from './segment-run.service';

/** Thrown for a run request that does not say what it means; the HTTP layer answers 400 with the message. */
export class InvalidRunRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRunRequestError';
  }
}

const schema = z
  .object({
    asOf: z.iso
      .datetime({ offset: true })
      .or(z.iso.date())
      .optional()
      .catch(({ value }) => {
        throw new InvalidRunRequestError(
          `asOf: expected a date such as 2026-11-27 or 2026-11-27T06:00:00Z, got ${JSON.stringify(value)}`,
        );
      }),
    seed: z.number().int().min(0).optional(),
  })
  .strict();

/** The options of a segment run as the CLI and the HTTP API accept them. */
export function parseRunRequest(input: unknown): SegmentRunOptions {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : 'body';
    throw new InvalidRunRequestError(`${field}: ${issue.message}`);
  }
  return {
    asOf: parsed.data.asOf ? new Date(parsed.data.asOf) : undefined,
    seed: parsed.data.seed,
  };
}
