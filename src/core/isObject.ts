/** A plain object as JSON has them (not null, not an array): what every reader of untyped data checks first. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
