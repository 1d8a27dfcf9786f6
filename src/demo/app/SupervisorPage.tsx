/**
 * The Supervisor tab's page, a Flex of its own signed in as the demo supervisor: the plugin set up
 * as Flex would for that user, and its real "Recording Controls" view — the live calls from the
 * live-calls index in Sync, each with its state, who holds the pause, and pause / resume / force
 * resume. The demo server first makes a few other agents' calls for it (supervisorCalls.ts).
 */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as Flex from '@twilio/flex-ui';
import { SupervisorView } from '../../components/SupervisorView';
import type { DemoPageConfig } from '../server';
import { demoApi } from './demoApi';
import { startPlugin } from './flexHost';

export async function renderSupervisorPage(config: DemoPageConfig, root: HTMLElement): Promise<void> {
  try {
    const user = await demoApi.user('supervisor');
    await demoApi.supervisedCalls();
    startPlugin({ agent: user.identity, functionsUrl: config.functionsUrl, syncUrl: config.syncUrl, user });
    ReactDOM.render(
      <Flex.StorelessThemeProvider themeConf={{}}>
        <main className="supervisor-page" aria-label="Recording Controls (supervisor)">
          <p className="intro">
            Signed in as the Flex supervisor <b>{user.identity}</b>: every live call, from Sync as it changes. Bob&apos;s call is paused by his card number
            field; Carol&apos;s pause failed, so her call records on; Dave&apos;s call went to Erin. Force resume Bob&apos;s, or pause one yourself.
          </p>
          <SupervisorView />
        </main>
      </Flex.StorelessThemeProvider>,
      root,
    );
  } catch (error) {
    ReactDOM.render(
      <p className="problem" role="alert">
        The supervisor&apos;s page could not start: {error instanceof Error ? error.message : String(error)}
      </p>,
      root,
    );
  }
}
