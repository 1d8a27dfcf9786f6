/**
 * Counts and durations in the user's language: the plural form a string takes for a count (the
 * language's own rule, Intl.PluralRules), and seconds with only the precision that means something.
 */

const pluralRules = new Map<string, Intl.PluralRules>();

function rulesOf(localeTag: string): Intl.PluralRules {
  let rules = pluralRules.get(localeTag);
  if (!rules) {
    try {
      rules = new Intl.PluralRules(localeTag);
    } catch {
      rules = new Intl.PluralRules('en-US'); // a malformed tag (a customer's setting) still reads
    }
    pluralRules.set(localeTag, rules);
  }
  return rules;
}

/**
 * The key of the form a string takes for `count`: `<key>_<category>` (`_one`, `_few`, `_many`: the
 * language's plural categories) when the strings have it, else `<key>` itself, which serves every
 * other count. English and Spanish need a `_one` form only: "1 call needs attention", "2 calls…".
 */
export function pluralKey<K extends string>(key: K, count: unknown, localeTag: string, has: (key: string) => boolean): K {
  if (typeof count !== 'number') return key;
  const variant = `${key}_${rulesOf(localeTag).select(count)}`;
  return (has(variant) ? variant : key) as K;
}

/** "0.4", "2.5", "12": seconds to a tenth below 10 s and whole from there, as the locale writes numbers. */
export function formatSeconds(ms: number, localeTag: string | undefined): string {
  const seconds = ms / 1000;
  const digits = seconds < 10 ? 1 : 0;
  try {
    return new Intl.NumberFormat(localeTag, { maximumFractionDigits: digits }).format(seconds);
  } catch {
    return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(seconds);
  }
}
