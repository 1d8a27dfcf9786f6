/**
 * The Compliance view as a Flex supervisor sees it: the plugin's loader fetches compliance.js from
 * the functions (as in Flex, only now that the tab is opened) and shows today's report with the
 * demo supervisor's Flex token. The demo server first makes and ends a few calls to report on.
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import * as Flex from '@twilio/flex-ui';
import { ComplianceViewLoader } from '../../components/Compliance';
import { demoApi } from './demoApi';

export function ComplianceTab({ functionsUrl }: { functionsUrl: string }) {
  const [supervisor, setSupervisor] = useState<{ identity: string; token: string }>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    (async () => {
      const user = await demoApi.user('supervisor');
      await demoApi.reportedCalls();
      setSupervisor(user);
    })().catch((error: Error) => setProblem(error.message));
  }, []);

  return (
    <main className="admin-page">
      <p className="intro">
        Signed in as the Flex supervisor <b>{supervisor?.identity ?? '…'}</b>. Today&apos;s report covers the calls that ended: frank&apos;s card number paused
        by its field, grace&apos;s CVV pause that failed in a Twilio outage and paused when she clicked again, heidi&apos;s manual pause, ivan&apos;s call with
        no card entry — and, once they end, the demo agent&apos;s own calls and the Supervisor tab&apos;s (dave&apos;s, when it goes to erin). Download it as
        CSV below the charts.
      </p>
      {problem && (
        <div className="problem" role="alert">
          {problem}
        </div>
      )}
      <section className="panel admin-panel" aria-label="Compliance">
        <Flex.StorelessThemeProvider themeConf={{}}>
          {supervisor ? (
            <ComplianceViewLoader baseUrl={functionsUrl} token={() => supervisor.token} strings={{}} localeTag="en-US" />
          ) : (
            <p className="muted">Ending a few calls to report on…</p>
          )}
        </Flex.StorelessThemeProvider>
      </section>
    </main>
  );
}
