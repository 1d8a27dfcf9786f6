/** What every part of the stand-in shares: Twilio's error, sids, the If-Match reading and ISO 8601 dates. */
import { randomBytes } from 'node:crypto';

/** A Twilio REST error: answered as `{code, message, more_info, status}` with `status` as the HTTP status. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }
}

/** Where sids and tokens take their random digits from: crypto's, or a seeded generator's (a fault run replays exactly). */
export interface Randomness {
  hex(bytes: number): string;
}

export const cryptoRandomness: Randomness = { hex: (bytes) => randomBytes(bytes).toString('hex') };

export function seededRandomness(random: () => number): Randomness {
  return {
    hex: (bytes) =>
      Array.from({ length: bytes }, () =>
        Math.floor(random() * 256)
          .toString(16)
          .padStart(2, '0'),
      ).join(''),
  };
}

/** A Twilio sid: two-letter prefix + 32 random lowercase hex digits. */
export function newSid(prefix: string, randomness: Randomness = cryptoRandomness): string {
  return prefix + randomness.hex(16);
}

export function parseIfMatch(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  // Accept both the bare revision we answer and a quoted entity tag.
  return header
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

/** A control request the stand-in cannot act on (answered 400, or thrown by the typed helpers). */
export class StandinInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandinInputError';
  }
}

/** A control request naming a live call, recording or task the stand-in does not have (answered 404). */
export class StandinNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandinNotFoundError';
  }
}

/** A control request carrying a Flex token the stand-in did not issue, or one that has expired (answered 401). */
export class StandinUnauthenticatedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandinUnauthenticatedError';
  }
}

/** A control request whose token's worker may not do what it asks (answered 403). */
export class StandinForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandinForbiddenError';
  }
}

/** ISO 8601 to the second, as Twilio's v1 APIs answer. */
export function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
