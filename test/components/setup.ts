import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy… and waitFor wait for what they look for; 1 s (the default) is short for Flex's first render on a busy 2-core machine.
configure({ asyncUtilTimeout: 5000 });

// Flex UI plays notification sounds; jsdom has no media playback.
Object.defineProperty(HTMLMediaElement.prototype, 'play', { configurable: true, value: () => Promise.resolve() });
Object.defineProperty(HTMLMediaElement.prototype, 'pause', { configurable: true, value: () => undefined });

// Flex's Manager compiles its default strings into `templates` when it starts; there is no
// Manager under jest, so do the same (plain {{name}} substitution is enough for its own UI).
// Required, not imported: Flex must load after the media stubs above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Flex = require('@twilio/flex-ui') as typeof import('@twilio/flex-ui');
const defaults = (Flex as unknown as { languages: { default: Record<string, string> } }).languages.default;
const templates = Flex.templates as unknown as Record<string, (context?: Record<string, unknown>) => string>;
for (const [key, source] of Object.entries(defaults)) {
  templates[key] = (context = {}) => String(source).replace(/{{\s*(\w+)\s*}}/g, (_, name: string) => String(context[name] ?? ''));
}

// Work a test started may still be settling when its file ends (a Sync token arriving, React's act
// flushing effects): let it finish while jsdom's document still exists, so React never runs on
// after the environment is torn down (which ends the whole worker on a busy machine).
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 200));
});
