/** The demo's pages: the agent's desktop (Flex and the CRM), the admin's Desktop Manager, the supervisor's views. */
import * as React from 'react';
import { useState } from 'react';
import { AdminTab } from './AdminTab';
import { ComplianceTab } from './ComplianceTab';
import { DemoApp } from './DemoApp';
import type { DemoManager } from './flexHost';

type Tab = 'agent' | 'admin' | 'supervisor' | 'compliance';

export function DemoTabs({ manager, agent, functionsUrl }: { manager: DemoManager; agent: string; functionsUrl: string }) {
  const [tab, setTab] = useState<Tab>('agent');
  const nav = (
    <nav className="tabs" role="tablist" aria-label="Demo pages">
      {(
        [
          ['agent', 'Agent desktop'],
          ['admin', 'Desktop Manager (admin)'],
          ['supervisor', 'Supervisor'],
          ['compliance', 'Compliance (supervisor)'],
        ] as const
      ).map(([name, label]) => (
        <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'active' : ''} onClick={() => setTab(name)}>
          {label}
        </button>
      ))}
    </nav>
  );
  // The agent's page stays mounted under the admin's, so the call and its state carry on.
  const otherPage =
    tab === 'admin' ? (
      <AdminTab functionsUrl={functionsUrl} />
    ) : tab === 'compliance' ? (
      <ComplianceTab functionsUrl={functionsUrl} />
    ) : tab === 'supervisor' ? (
      // A Flex of its own, signed in as the supervisor: the plugin's runtime is one per Flex, as in Flex.
      <iframe className="supervisor-frame" title="Supervisor" data-testid="supervisor-frame" src="/supervisor" />
    ) : undefined;
  return <DemoApp manager={manager} agent={agent} nav={nav} otherPage={otherPage} />;
}
