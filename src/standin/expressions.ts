/**
 * The slice of TaskRouter's expression language the stand-in understands, enough for
 * `TargetWorkersExpression` on the Workers list and `EvaluateTaskAttributes` on the Tasks list:
 *
 *   clause [and clause]…      clause = <attribute path | number> (== | != | HAS) <'string' | "string" | number | true | false>
 *
 * e.g. `contact_uri == "client:alice"`, `conference.sid == 'CF…' and direction == "inbound"`,
 * `roles HAS "supervisor"`, `1 == 1`. Anything else is rejected rather than guessed at.
 */
import { TwilioApiError } from './model';

type Value = string | number | boolean;

interface Clause {
  left: { path: string } | { literal: number };
  operator: '==' | '!=' | 'HAS';
  right: Value;
}

const CLAUSE = /\s*(?:([A-Za-z_][\w.]*)|(-?\d+(?:\.\d+)?))\s*(==|!=|HAS|has)\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?)|(true|false))\s*/y;
const CONJUNCTION = /(?:and|AND|&&)(?=[\s'"(]|$)/y;

export type Predicate = (attributes: Record<string, unknown>) => boolean;

/** Parses an expression into a predicate over an attributes object; 400 20001 if it is not understood. */
export function parseExpression(expression: string): Predicate {
  const clauses: Clause[] = [];
  let position = 0;
  for (;;) {
    CLAUSE.lastIndex = position;
    const match = CLAUSE.exec(expression);
    if (!match) throw invalid(expression);
    const [, path, leftNumber, operator, doubleQuoted, singleQuoted, number, boolean] = match;
    clauses.push({
      left: path !== undefined ? { path } : { literal: Number(leftNumber) },
      operator: operator.toUpperCase() === 'HAS' ? 'HAS' : (operator as '==' | '!='),
      right: doubleQuoted ?? singleQuoted ?? (number !== undefined ? Number(number) : boolean === 'true'),
    });
    position = CLAUSE.lastIndex;
    if (position >= expression.length) break;
    CONJUNCTION.lastIndex = position;
    if (!CONJUNCTION.exec(expression)) throw invalid(expression);
    position = CONJUNCTION.lastIndex;
  }
  return (attributes) => clauses.every((clause) => holds(clause, attributes));
}

function holds(clause: Clause, attributes: Record<string, unknown>): boolean {
  const left = 'path' in clause.left ? lookup(attributes, clause.left.path) : clause.left.literal;
  switch (clause.operator) {
    case '==':
      return left === clause.right;
    case '!=':
      return left !== clause.right;
    case 'HAS':
      return Array.isArray(left) && left.includes(clause.right);
  }
}

function lookup(attributes: Record<string, unknown>, path: string): unknown {
  let value: unknown = attributes;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function invalid(expression: string): TwilioApiError {
  return new TwilioApiError(400, 20001, `Invalid expression: ${expression}`);
}
