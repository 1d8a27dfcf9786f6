/**
 * jest's globalSetup for the browser tests: the demo page is bundled once for the run (esbuild,
 * the Flex UI and all: seconds of CPU) rather than by each file's demo server; every server serves
 * this one (browser.ts). `npm test` has bundled it already, alongside its build.
 */
import { DEMO_BUNDLE_VARIABLE, saveDemoBundle } from '../../src/demo/bundle';

export default async function bundleDemoOnce(): Promise<void> {
  process.env[DEMO_BUNDLE_VARIABLE] ??= await saveDemoBundle();
}
