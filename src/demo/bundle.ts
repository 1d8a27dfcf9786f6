/**
 * Bundles the demo page (src/demo/app) with esbuild, in memory: the plugin's real components
 * and the real @twilio/flex-ui, React 17 and everything they import, for the browser.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

export interface DemoBundle {
  js: string;
  css: string;
}

// Flex UI reads Node's `process` here and there; its own webpack build provides one, esbuild
// does not, so the bundle starts with the little it needs.
const processShim = 'var process = { env: { NODE_ENV: "production" }, browser: true, version: "", versions: {} };';

export async function buildDemoBundle(): Promise<DemoBundle> {
  const result = await build({
    entryPoints: [join(__dirname, 'app/main.tsx')],
    bundle: true,
    write: false,
    outdir: 'demo',
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    jsx: 'transform',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    banner: { js: processShim },
    // Flex ships fonts and images we do not need; the page loads without them.
    loader: { '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty', '.svg': 'dataurl', '.png': 'dataurl' },
    logLevel: 'silent',
  });
  const text = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}
