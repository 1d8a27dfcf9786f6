/**
 * The Desktop Manager as a Flex admin sees it: the plugin's loader fetches desktop-manager.js from
 * the functions (as in Flex, only now that the tab is opened) and shows the editor with the demo
 * admin's Flex token.
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import * as Flex from '@twilio/flex-ui';
import { AdminViewLoader } from '../../components/DesktopManager';
import { demoApi } from './demoApi';

export function AdminTab({ functionsUrl }: { functionsUrl: string }) {
  const [admin, setAdmin] = useState<{ identity: string; token: string }>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    demoApi
      .user('admin')
      .then(setAdmin)
      .catch((error: Error) => setProblem(error.message));
  }, []);

  return (
    <main className="admin-page">
      <p className="intro">
        Signed in as the Flex admin <b>{admin?.identity ?? '…'}</b>. Change an event, Save, and go back to the agent: the functions use the saved version within
        5 seconds, with no redeploy. Try: edit <b>CVV</b>, set <i>Resume after</i> to 10, Apply, Save; then click into CVV.
      </p>
      {problem && (
        <div className="problem" role="alert">
          {problem}
        </div>
      )}
      <section className="panel admin-panel" aria-label="Desktop Manager">
        <Flex.StorelessThemeProvider themeConf={{}}>
          {admin ? <AdminViewLoader baseUrl={functionsUrl} token={() => admin.token} strings={{}} localeTag="en-US" /> : <p className="muted">Signing in…</p>}
        </Flex.StorelessThemeProvider>
      </section>
    </main>
  );
}
