/**
 * The CRM shown inside Flex, with no desktop agent: the demo server's /crm page, opened on the
 * other loopback name so it is another origin than this (Flex) page, as a real CRM is. The page
 * includes crm-relay.js from the functions; the plugin in this window relays its triggers with the
 * agent's Flex token.
 */
import * as React from 'react';

export const crmUrl = (location: Location): string =>
  `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}/crm`;

export function CrmInFlex({ live }: { live: boolean }) {
  const url = crmUrl(window.location);
  return (
    <div className="crm-in-flex">
      <p className="muted">
        The CRM page at <span className="mono">{new URL(url).origin}</span> includes one script tag, <span className="mono">crm-relay.js</span>: entering Card
        number or CVV posts only the trigger id to this Flex window, which sends it with the agent's Flex token.
        {!live && ' Start a call first.'}
      </p>
      <iframe className="crm-frame" src={url} title="CRM page (another origin) with crm-relay.js" data-testid="crm-frame" />
    </div>
  );
}
