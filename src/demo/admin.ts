/**
 * The demo's Flex admin, for the Desktop Manager tab, and its supervisor, for the Supervisor tab:
 * Flex tokens of workers with those roles from the stand-in, and — once, at start — CRM fields in the desktop item events, so the CRM page shown in
 * Flex fires the card number and CVV events through crm-relay.js. The fields are saved through the
 * configuration API with an admin key, as an admin's script would (docs/desktop-manager.md).
 */

export const DEMO_ADMIN = 'demo-admin';
/** The Supervisor tab's user. */
export const DEMO_SUPERVISOR = 'demo-supervisor';
/** Stand-in tokens last an hour; a new one well before that. */
const TOKEN_REUSE_MS = 45 * 60 * 1000;

/** The demo CRM's fields: the selectors of src/demo/crmPage.ts, by desktop item event id. */
export const DEMO_CRM_FIELDS: Record<string, string> = { 'card-number': 'input[name=cardNumber]', cvv: 'input[name=cvv]' };

/** A demo Flex user without a call: the admin of the Desktop Manager tab, the supervisor of the Supervisor tab. */
export class DemoUser {
  private issued: { token: string; at: number } | undefined;

  constructor(
    private readonly standinUrl: string,
    readonly identity: string = DEMO_ADMIN,
    readonly role: 'admin' | 'supervisor' = 'admin',
  ) {}

  /** The user's Flex token (a worker with the role, no call). */
  async token(): Promise<{ identity: string; token: string; roles: string[] }> {
    if (!this.issued || Date.now() - this.issued.at > TOKEN_REUSE_MS) {
      this.issued = { token: await this.issue(), at: Date.now() };
    }
    return { identity: this.identity, token: this.issued.token, roles: [this.role] };
  }

  private async issue(): Promise<string> {
    const post = (path: string, body: unknown) =>
      fetch(`${this.standinUrl}/__standin${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    // The stand-in's worker without a call; a stand-in without it gives the admin an unrecorded call instead.
    let response = await post('/workers', { agent: this.identity, role: this.role });
    if (response.status === 404) response = await post('/live-calls', { agent: this.identity, recording: 'none', role: this.role });
    const answer = (await response.json()) as { token?: string; error?: { message?: string } };
    if (!response.ok || !answer.token) throw new Error(`the stand-in gave no ${this.role} token: ${answer.error?.message ?? `HTTP ${response.status}`}`);
    return answer.token;
  }
}

/**
 * Adds the demo CRM's fields to the configuration in force, unless they are there: a first save
 * (version 1, by the admin key) on a fresh start. Returns the version in force afterwards.
 */
/** A saved event as far as the seed reads it; the rest goes back as it came. */
type SavedEvent = { id: string; fields?: Array<{ selector: string; origin: string }> } & Record<string, unknown>;

export async function seedCrmFields(options: { functionsUrl: string; adminKey: string; crmOrigin: string }): Promise<number> {
  const url = `${options.functionsUrl}/desktop-events/config`;
  const headers = { Authorization: `Bearer ${options.adminKey}`, 'Content-Type': 'application/json' };
  const current = (await (await fetch(url, { headers: { Authorization: headers.Authorization } })).json()) as { version: number; events: SavedEvent[] };
  const wanted = (event: SavedEvent) => DEMO_CRM_FIELDS[event.id];
  const has = (event: SavedEvent) => (event.fields ?? []).some((field) => field.origin === options.crmOrigin);
  if (!current.events.some((event) => wanted(event) && !has(event))) return current.version;
  const events = current.events.map((event) =>
    wanted(event) && !has(event) ? { ...event, fields: [...(event.fields ?? []), { selector: wanted(event), origin: options.crmOrigin }] } : event,
  );
  // Twilio Functions take GET and POST only: a body with version and events saves.
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ version: current.version, events }) });
  const saved = (await response.json()) as { version?: number; error?: { message?: string } };
  if (!response.ok) throw new Error(saved.error?.message ?? `HTTP ${response.status}`);
  return saved.version as number;
}
