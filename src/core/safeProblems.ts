/**
 * What a refused request is told, in our words: a field's place and what is wrong with it, never
 * what was sent. zod's default messages may quote the value, and a value refused here may be the
 * very card number that must not reach a log or an answer. The signal body and the Recording
 * Controls API both answer through it (docs/api.md, errors).
 */
import type { z } from 'zod';

/** A field name is echoed only when it cannot be data (letters and underscores, short). */
export const safeFieldName = (key: string): string => (/^[A-Za-z_]{1,64}$/.test(key) ? key : '(unprintable name)');

/** The top-level field, then list positions only: a key inside a map is never named. */
const placeOf = (path: PropertyKey[]): string =>
  path.length === 0
    ? 'body'
    : [safeFieldName(String(path[0])), ...path.slice(1).map((part) => (typeof part === 'number' ? String(part) : '(a key)'))].join('.');

function problemOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.map(safeFieldName).join(', ')}`;
  if (issue.code === 'invalid_key') return `${placeOf(issue.path.slice(0, -1))}: each key must be 1–64 of A-Z a-z 0-9 _ . : - and never a card number`;
  const place = placeOf(issue.path);
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${place}: is required`;
  // The refinements' and patterns' messages are ours (every schema gives one), and never quote the value.
  if (issue.code === 'custom' || issue.code === 'invalid_format') return `${place}: ${issue.message}`;
  if (issue.code === 'too_big' || issue.code === 'too_small') return `${place}: is too ${issue.code === 'too_big' ? 'long' : 'short'}`;
  return `${place}: has the wrong type`;
}

/** Each problem once, in the order found. */
export const safeProblems = (issues: z.core.$ZodIssue[]): string[] => [...new Set(issues.map(problemOf))];
