/**
 * The demo's pages: the agent's desktop (Flex and the CRM), the admin's Desktop Manager, the
 * supervisor's views. Tabs as assistive technology expects them: the selected tab alone in the
 * Tab order, the arrow keys (and Home, End) move between tabs, each tab names the panel it shows.
 */
import * as React from 'react';
import { useRef, useState } from 'react';
import { AdminTab } from './AdminTab';
import { ComplianceTab } from './ComplianceTab';
import { DemoApp } from './DemoApp';
import type { DemoManager } from './flexHost';
// Named in one place: `npm start` lists them too.
import { DEMO_TABS as TABS } from '../tabs';

type Tab = (typeof TABS)[number][0];

const tabId = (tab: Tab) => `demo-tab-${tab}`;
const panelId = (tab: Tab) => `demo-panel-${tab}`;

/** The tab a key moves to from `index`, if it is one of the keys tabs answer. */
function tabForKey(key: string, index: number): Tab | undefined {
  const last = TABS.length - 1;
  const next = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[key];
  return next === undefined ? undefined : TABS[next][0];
}

export function DemoTabs({ manager, agent, functionsUrl }: { manager: DemoManager; agent: string; functionsUrl: string }) {
  const [tab, setTab] = useState<Tab>('agent');
  const buttons = useRef(new Map<Tab, HTMLButtonElement>()).current;
  const onKeyDown = (index: number) => (event: React.KeyboardEvent) => {
    const next = tabForKey(event.key, index);
    if (!next) return;
    event.preventDefault();
    setTab(next);
    buttons.get(next)?.focus();
  };

  const nav = (
    <nav className="tabs" role="tablist" aria-label="Demo pages">
      {TABS.map(([name, label], index) => (
        <button
          key={name}
          ref={(element) => (element ? buttons.set(name, element) : buttons.delete(name))}
          type="button"
          role="tab"
          id={tabId(name)}
          aria-selected={tab === name}
          aria-controls={panelId(name)}
          tabIndex={tab === name ? 0 : -1}
          className={tab === name ? 'active' : ''}
          onClick={() => setTab(name)}
          onKeyDown={onKeyDown(index)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
  const panel = (name: Tab, page: React.ReactNode) => (
    <div role="tabpanel" id={panelId(name)} aria-labelledby={tabId(name)} hidden={tab !== name}>
      {tab === name && page}
    </div>
  );
  // The agent's page stays mounted under the others, so the call and its state carry on.
  const otherPages = (
    <>
      {panel('admin', <AdminTab functionsUrl={functionsUrl} />)}
      {panel(
        'supervisor',
        // A Flex of its own, signed in as the supervisor: the plugin's runtime is one per Flex, as in Flex.
        <iframe className="supervisor-frame" title="Supervisor" data-testid="supervisor-frame" src="/supervisor" />,
      )}
      {panel('compliance', <ComplianceTab functionsUrl={functionsUrl} />)}
    </>
  );
  const agentPanel = { role: 'tabpanel', id: panelId('agent'), 'aria-labelledby': tabId('agent'), hidden: tab !== 'agent' };
  return <DemoApp manager={manager} agent={agent} nav={nav} otherPages={otherPages} agentPanel={agentPanel} />;
}
