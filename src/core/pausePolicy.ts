/**
 * The pause policy of each TaskRouter queue and the caps of pauses by hand (docs/desktop-events.md):
 * what signals, the API and the plugin's button ask before a hold opens. Pure and free of the
 * validator, so the plugin every agent loads can carry it.
 */

/**
 * What may pause a queue's calls: `allowed` (the default), `desktop-events-only` (no manual or API
 * pause) or `never` (regulated lines that must record everything: no pause at all).
 */
export const PAUSE_POLICIES = ['allowed', 'desktop-events-only', 'never'] as const;
export type PausePolicy = (typeof PAUSE_POLICIES)[number];

/** A manual or API hold closes by itself after this long unless resumed: 10 minutes unless configured. */
export const DEFAULT_PAUSE_CAP_SECONDS = 600;

/** The configuration's sections these rules read (the desktop item events configuration has them). */
export interface PauseRules {
  queuePolicies?: Array<{ queue: string; policy: PausePolicy }>;
  pauseCaps?: { manualSeconds?: number; apiSeconds?: number };
}

/** The pause policy of a queue's calls; `allowed` for a queue not listed, or not known (a caller that must not pause such a call asks `hasPausePolicies` first and looks the queue up). */
export const pausePolicyOf = (rules: PauseRules, queue: string | undefined): PausePolicy =>
  (queue !== undefined && rules.queuePolicies?.find((entry) => entry.queue === queue)?.policy) || 'allowed';

/** Some queue refuses some pause: a call's queue must be known before anything is paused. */
export const hasPausePolicies = (rules: PauseRules): boolean => rules.queuePolicies?.some((entry) => entry.policy !== 'allowed') === true;

/** Whether a pause from this source may open a hold on a call of that queue. */
export const pauseAllowed = (policy: PausePolicy, source: 'desktop' | 'manual' | 'api'): boolean =>
  policy === 'allowed' || (policy === 'desktop-events-only' && source === 'desktop');

/** How long a manual or API hold stays open at most. */
export const pauseCapSeconds = (rules: PauseRules, source: 'manual' | 'api'): number =>
  (source === 'manual' ? rules.pauseCaps?.manualSeconds : rules.pauseCaps?.apiSeconds) ?? DEFAULT_PAUSE_CAP_SECONDS;
