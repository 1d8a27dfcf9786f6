/**
 * The local stack jest's globalSetup started for the run (globalStack.ts), as a test file reaches
 * it: the functions' URL, the product's Sync service and the stand-in's control surface over HTTP.
 * Other files use it at the same moment, so a test keeps to agents and calls of its own
 * (`uniqueAgent`) and never touches what is deployment-wide: reset, faults, latency, limits.
 */
import { randomUUID } from 'node:crypto';
import { standinClient, type SharedStandinClient } from './standinClient';

/** How globalSetup hands the stack to the workers (JSON of SharedStackAddress). */
export const SHARED_STACK_VARIABLE = 'RECORDING_CONTROLS_SHARED_STACK';

export interface SharedStackAddress {
  functionsUrl: string;
  standinUrl: string;
  /** The product's own Sync service (ACLs on) the functions keep their state in. */
  syncServiceSid: string;
}

export interface SharedStack extends SharedStackAddress {
  standin: SharedStandinClient;
}

export function sharedStack(): SharedStack {
  const given = process.env[SHARED_STACK_VARIABLE];
  if (!given) {
    throw new Error(
      `the shared local stack is not running: jest's globalSetup (test/support/globalStack.ts) starts it when a selected test file imports test/support/sharedStack`,
    );
  }
  const address = JSON.parse(given) as SharedStackAddress;
  return { ...address, standin: standinClient(address.standinUrl) };
}

/** An agent name no other test uses: an agent's live call must be this test's own. */
export const uniqueAgent = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;
