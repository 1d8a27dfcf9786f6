/**
 * The plugin's settings, read from Flex `ui_attributes.recordingControls` (set with the Flex
 * Configuration API, see public/appConfig.example.js). A bad configuration is reported once on
 * the console with every problem listed; the plugin then shows "unavailable" instead of
 * controls that would not work.
 */
import { isObject } from '../core/isObject';

export interface IndicatorConfig {
  /** Show the small timeline of paused intervals under the indicator. */
  showTimeline: boolean;
  /** A short tone when the warning before an automatic resume begins. */
  warningSound: boolean;
  /** Display names for desktop hold ids, e.g. `{ "card-number": "Card number" }`. */
  labels: Record<string, string>;
}

export interface RecordingControlsConfig {
  /** Base URL of the deployed functions, e.g. `https://recording-controls-1234-dev.twil.io`. */
  serverlessBaseUrl: string;
  /** How the server pauses (Twilio PauseBehavior). Shown to users; the server applies its own setting. */
  pauseBehavior: 'skip' | 'silence';
  /** Whether agents see "Stop recording" (supervisors always do; the server decides anyway). */
  agentsMayStop: boolean;
  /**
   * Only while a call cannot be followed through Sync: how often its state is fetched instead
   * (at least 15 s; smaller values are raised to 15).
   */
  pollSeconds: number;
  /** Ctrl+Shift+<key> toggles the pause; empty string turns the shortcut off. */
  shortcutKey: string;
  /** Supervisors are alerted when a call has been paused longer than this (seconds). */
  alertPausedSeconds: number;
  indicator: IndicatorConfig;
}

export const defaultConfig: RecordingControlsConfig = {
  serverlessBaseUrl: '',
  pauseBehavior: 'skip',
  agentsMayStop: false,
  pollSeconds: 15,
  shortcutKey: 'P',
  alertPausedSeconds: 180,
  indicator: { showTimeline: true, warningSound: false, labels: {} },
};

export interface ConfigResult {
  config: RecordingControlsConfig;
  problems: string[];
}

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

export function readConfig(raw: unknown): ConfigResult {
  const problems: string[] = [];
  if (!isObject(raw)) {
    return { config: defaultConfig, problems: ['ui_attributes.recordingControls is missing or not an object'] };
  }
  const known = ['serverlessBaseUrl', 'pauseBehavior', 'agentsMayStop', 'pollSeconds', 'shortcutKey', 'alertPausedSeconds', 'indicator'];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problems.push(`unknown setting "${key}"`);
  }

  const config: RecordingControlsConfig = { ...defaultConfig, indicator: { ...defaultConfig.indicator } };

  if (typeof raw.serverlessBaseUrl !== 'string' || !isHttpUrl(raw.serverlessBaseUrl)) {
    problems.push('serverlessBaseUrl must be the http(s) URL of the deployed functions');
  } else {
    config.serverlessBaseUrl = raw.serverlessBaseUrl.replace(/\/+$/, '');
  }

  if (raw.pauseBehavior !== undefined) {
    if (raw.pauseBehavior === 'skip' || raw.pauseBehavior === 'silence') config.pauseBehavior = raw.pauseBehavior;
    else problems.push('pauseBehavior must be "skip" or "silence"');
  }

  if (raw.agentsMayStop !== undefined) {
    if (typeof raw.agentsMayStop === 'boolean') config.agentsMayStop = raw.agentsMayStop;
    else problems.push('agentsMayStop must be true or false');
  }

  if (raw.pollSeconds !== undefined) {
    if (typeof raw.pollSeconds === 'number' && raw.pollSeconds >= 0.5 && raw.pollSeconds <= 300) config.pollSeconds = raw.pollSeconds;
    else problems.push('pollSeconds must be a number from 0.5 to 300 (values under 15 count as 15)');
  }

  if (raw.shortcutKey !== undefined) {
    if (typeof raw.shortcutKey === 'string' && /^[A-Z0-9]?$/.test(raw.shortcutKey)) config.shortcutKey = raw.shortcutKey;
    else problems.push('shortcutKey must be one upper-case letter or digit (or "" for none)');
  }

  if (raw.alertPausedSeconds !== undefined) {
    const seconds = raw.alertPausedSeconds;
    if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 10 && seconds <= 86_400) config.alertPausedSeconds = seconds;
    else problems.push('alertPausedSeconds must be a whole number of seconds from 10 to 86400');
  }

  if (raw.indicator !== undefined) {
    if (!isObject(raw.indicator)) {
      problems.push('indicator must be an object');
    } else {
      const { showTimeline, warningSound, labels, ...rest } = raw.indicator;
      for (const key of Object.keys(rest)) problems.push(`unknown setting "indicator.${key}"`);
      for (const [name, value] of Object.entries({ showTimeline, warningSound })) {
        if (value === undefined) continue;
        if (typeof value === 'boolean') config.indicator[name as 'showTimeline' | 'warningSound'] = value;
        else problems.push(`indicator.${name} must be true or false`);
      }
      if (labels !== undefined) {
        if (isObject(labels) && Object.values(labels).every((label) => typeof label === 'string')) {
          config.indicator.labels = labels as Record<string, string>;
        } else {
          problems.push('indicator.labels must map hold ids to display names (strings)');
        }
      }
    }
  }

  return { config, problems };
}

/** Reads and validates; logs one clear console error when something is wrong. */
export function loadConfig(uiAttributes: Record<string, unknown> | undefined): ConfigResult {
  const result = readConfig(uiAttributes?.recordingControls);
  if (result.problems.length > 0) {
    console.error(
      `[recording-controls] Invalid configuration in ui_attributes.recordingControls:\n${result.problems
        .map((problem) => `  - ${problem}`)
        .join('\n')}\nSee public/appConfig.example.js.`,
    );
  }
  return result;
}
