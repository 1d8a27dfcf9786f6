/** The demo's two pages: the agent's desktop (Flex and the CRM) and the admin's Desktop Manager. */
import * as React from 'react';
import { useState } from 'react';
import { AdminTab } from './AdminTab';
import { DemoApp } from './DemoApp';
import type { DemoManager } from './flexHost';

type Tab = 'agent' | 'admin';

export function DemoTabs({ manager, agent, functionsUrl }: { manager: DemoManager; agent: string; functionsUrl: string }) {
  const [tab, setTab] = useState<Tab>('agent');
  const nav = (
    <nav className="tabs" role="tablist" aria-label="Demo pages">
      {(
        [
          ['agent', 'Agent desktop'],
          ['admin', 'Desktop Manager (admin)'],
        ] as const
      ).map(([name, label]) => (
        <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'active' : ''} onClick={() => setTab(name)}>
          {label}
        </button>
      ))}
    </nav>
  );
  // The agent's page stays mounted under the admin's, so the call and its state carry on.
  return <DemoApp manager={manager} agent={agent} nav={nav} otherPage={tab === 'admin' ? <AdminTab functionsUrl={functionsUrl} /> : undefined} />;
}
