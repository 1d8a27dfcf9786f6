/**
 * What every REST route shares: the route and answer types, path patterns and the parameter
 * readers that answer bad input as Twilio does (400 20001).
 */
import type { Operation } from './faults';
import type { TwilioModel } from './model';
import { TwilioApiError } from './primitives';

/** What a route answers; the stand-in turns it into a Response (after latency). */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteRequest {
  /** Decoded named groups of the route's pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Form fields of a form-encoded body (empty otherwise). */
  form: URLSearchParams;
  /** Parsed JSON body, when the body is JSON. */
  json: unknown;
  headers: Headers;
  now: Date;
}

/**
 * What a Sync object route needs of a token's identity (syncAccess.ts): `read`, `write` or
 * `manage` on the object its `param` names, or `create` / `list` in its collection. Routes
 * without it take account credentials only.
 */
export type RouteAccess =
  { object: 'document' | 'map' | 'list'; param: string; need: 'read' | 'write' | 'manage' } | { object: 'document' | 'map' | 'list'; need: 'create' | 'list' };

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  operation: Operation;
  access?: RouteAccess;
  answer(model: TwilioModel, request: RouteRequest): Answer;
}

export function path(pattern: string): RegExp {
  return new RegExp(`^${pattern}$`);
}

export const ok = (body: unknown, headers?: Record<string, string>): Answer => ({ status: 200, body, headers });
export const created = (body: unknown, headers?: Record<string, string>): Answer => ({ status: 201, body, headers });
export const etag = (revision: number) => ({ ETag: String(revision) });

export function oneOf<T extends string>(value: string | null, allowed: readonly T[], name: string): T | undefined {
  if (value === null) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new TwilioApiError(400, 20001, `Invalid ${name}: ${value}`);
  return value as T;
}

export function integerParam(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw new TwilioApiError(400, 20001, `Invalid ${name}: ${value}`);
  return Number(value);
}
