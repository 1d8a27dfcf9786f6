/**
 * The functions' public browser assets, built into their assets folder so `twilio serverless:deploy`
 * (and twilio-run locally) serve them from the functions' domain:
 *   crm-relay.js        the script a CRM page includes (src/crm/relayScript.ts), small and standalone;
 *   desktop-manager.js  the Desktop Manager view for Flex admins (Paste and the core's validator),
 *                       loaded by the plugin only when an admin opens it. React comes from the Flex
 *                       page (window.React / window.ReactDOM, as for every Flex plugin);
 *   compliance.js       the Compliance view for supervisors and admins (Paste), loaded the same way;
 *   supervisor.js       how the Recording Controls view for supervisors looks (Paste), loaded the same way.
 */
import { build, type Plugin } from 'esbuild';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** `react` and `react-dom` are the page's: Flex exposes them to plugins as globals. */
const pageGlobals: Plugin = {
  name: 'page-globals',
  setup(builder) {
    const globals: Record<string, string> = { react: 'React', 'react-dom': 'ReactDOM' };
    builder.onResolve({ filter: /^(react|react-dom)$/ }, (args) => ({ path: args.path, namespace: 'page-global' }));
    builder.onLoad({ filter: /.*/, namespace: 'page-global' }, (args) => ({ contents: `module.exports = window.${globals[args.path]};`, loader: 'js' }));
  },
};

export async function buildBrowserAssets(assetsDir: string): Promise<void> {
  const common = {
    bundle: true,
    platform: 'browser' as const,
    format: 'iife' as const,
    target: 'es2018',
    minify: true,
    legalComments: 'none' as const,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning' as const,
  };
  await build({ ...common, entryPoints: [join(root, 'src/crm/relayScript.ts')], outfile: join(assetsDir, 'crm-relay.js') });
  await build({
    ...common,
    entryPoints: [join(root, 'src/components/DesktopManager/adminBundle.ts')],
    outfile: join(assetsDir, 'desktop-manager.js'),
    plugins: [pageGlobals],
  });
  await build({
    ...common,
    entryPoints: [join(root, 'src/components/Compliance/bundle.ts')],
    outfile: join(assetsDir, 'compliance.js'),
    plugins: [pageGlobals],
  });
  await build({
    ...common,
    entryPoints: [join(root, 'src/components/Supervisor/bundle.ts')],
    outfile: join(assetsDir, 'supervisor.js'),
    plugins: [pageGlobals],
  });
}
