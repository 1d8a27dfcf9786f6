/**
 * Bundle sizes (gzip), each apart: what every agent's Flex loads (the plugin), what only an admin
 * loads when opening the Desktop Manager (desktop-manager.js, a public asset of the functions), what
 * only supervisors and admins load when opening the Compliance view (compliance.js) or the Recording
 * Controls view (supervisor.js), and the script a CRM page includes (crm-relay.js). Measured on what
 * `npm run build` made.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = join(__dirname, '../..');
/** The goal for what every agent loads. */
export const AGENT_BUNDLE_GOAL_KB = 40;

const gzipKb = (path: string): number | undefined => (existsSync(path) ? gzipSync(readFileSync(path)).length / 1024 : undefined);

export async function run(): Promise<string[]> {
  const agent = gzipKb(join(root, 'build/plugin-recording-controls.js'));
  const admin = gzipKb(join(root, 'build/serverless/assets/desktop-manager.js'));
  const compliance = gzipKb(join(root, 'build/serverless/assets/compliance.js'));
  const supervisor = gzipKb(join(root, 'build/serverless/assets/supervisor.js'));
  const relay = gzipKb(join(root, 'build/serverless/assets/crm-relay.js'));
  const missing = 'not built (run `npm run build` first)';
  return [
    agent === undefined
      ? `plugin bundle (every agent): ${missing}`
      : `plugin bundle gzip (every agent): ${agent.toFixed(1)} KB (goal ≤ ${AGENT_BUNDLE_GOAL_KB} KB: ${agent <= AGENT_BUNDLE_GOAL_KB ? 'met' : 'NOT met'})`,
    admin === undefined ? `Desktop Manager chunk: ${missing}` : `Desktop Manager chunk gzip (admins, on opening the view): ${admin.toFixed(1)} KB`,
    compliance === undefined
      ? `Compliance chunk: ${missing}`
      : `Compliance chunk gzip (supervisors and admins, on opening the view): ${compliance.toFixed(1)} KB`,
    supervisor === undefined
      ? `Recording Controls chunk: ${missing}`
      : `Recording Controls chunk gzip (supervisors and admins, on opening the view): ${supervisor.toFixed(1)} KB`,
    relay === undefined ? `CRM relay script: ${missing}` : `CRM relay script gzip (crm-relay.js, in CRM pages): ${relay.toFixed(1)} KB`,
  ];
}

if (require.main === module) run().then((lines) => console.log(lines.join('\n')));
