/**
 * A value put into a TaskRouter expression (`contact_uri == "client:alice"`). TaskRouter's
 * expression language has string constants in single or double quotes and documents no escape
 * sequence, so a value is quoted with a quote character it does not contain; a value containing
 * both, a backslash (which a parser may read as an escape) or a control character cannot be
 * written as a constant, and is refused rather than let change the expression.
 */
export function taskRouterString(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return undefined;
}
