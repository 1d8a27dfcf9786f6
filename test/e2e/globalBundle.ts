/**
 * jest's globalSetup for the browser tests: the demo page is bundled once for the run (esbuild,
 * the Flex UI and all: seconds of CPU) rather than by each file's demo server; every server serves
 * this one. The workers find it through process.env (`npm test` sets it, having bundled it already).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoBundle } from '../../src/demo/bundle';

/** Where the workers find the bundle (browser.ts reads it). */
export const DEMO_BUNDLE_VARIABLE = 'RECORDING_CONTROLS_DEMO_BUNDLE';

/** Bundles the demo page into a new directory, for the browser tests' servers. */
export async function bundleDemoInto(): Promise<string> {
  const { js, css } = await buildDemoBundle();
  const dir = mkdtempSync(join(tmpdir(), 'recording-controls-demo-'));
  writeFileSync(join(dir, 'demo.js'), js);
  writeFileSync(join(dir, 'demo.css'), css);
  return dir;
}

export default async function bundleDemoOnce(): Promise<void> {
  // `npm test` bundles it alongside its build, before jest starts.
  if (process.env[DEMO_BUNDLE_VARIABLE]) return;
  process.env[DEMO_BUNDLE_VARIABLE] = await bundleDemoInto();
}
