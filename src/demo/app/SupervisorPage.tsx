/**
 * The Supervisor tab's page, a Flex of its own signed in as the demo supervisor: the plugin set up
 * as Flex would for that user, and its real "Recording Controls" view (supervisor.js, loaded from the
 * functions as in Flex) — the live calls from the live-calls index in Sync, each with its state, who
 * holds the pause, and pause / resume / force resume. The demo server first makes a few other agents'
 * calls for it (supervisorCalls.ts); the page's intro says what they are now, from the same index.
 */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as Flex from '@twilio/flex-ui';
import { useLiveIndex } from '../../components/hooks';
import { SupervisorView } from '../../components/SupervisorView';
import type { LiveIndexSnapshot } from '../../flex/liveIndex';
import type { SupervisedCalls } from '../supervisorCalls';
import type { DemoPageConfig } from '../server';
import { demoApi } from './demoApi';
import { startPlugin } from './flexHost';

/** What the demo's other calls are now: a pause runs out, a supervisor resumes or pauses one. */
export function supervisedNow(calls: SupervisedCalls, index: LiveIndexSnapshot): string {
  if (index.state !== 'live') return 'Reading the live calls…';
  const item = (callSid: string) => index.calls.find((call) => call.callSid === callSid);
  const bob = item(calls.paused.callSid);
  const carol = item(calls.failed.callSid);
  const bobPaused = !!bob && bob.holds.length > 0;
  const sentences = [
    !bob
      ? 'Bob’s call has ended.'
      : bob.holds.some((hold) => hold.id === 'card-number')
        ? 'Bob’s call is paused by his card number field.'
        : bobPaused
          ? 'Bob’s call is paused.'
          : 'Bob’s card number pause is over: his call records again.',
    !carol
      ? 'Carol’s call has ended.'
      : carol.holds.length > 0
        ? 'Carol’s call is paused now.'
        : carol.failedPausesNotRecovered > 0
          ? 'Carol’s pause failed, so her call records on.'
          : 'Carol’s call records.',
    item(calls.transferred.callSid) ? 'Dave’s call went to Erin.' : 'Erin’s call (from Dave) has ended.',
    bobPaused ? 'Force resume Bob’s, or pause one yourself.' : 'Pause one yourself.',
  ];
  return sentences.join(' ');
}

function SupervisorIntro({ identity, calls }: { identity: string; calls: SupervisedCalls }) {
  const index = useLiveIndex();
  return (
    <p className="intro" data-testid="supervisor-intro">
      Signed in as the Flex supervisor <b>{identity}</b>: every live call, from Sync as it changes. {supervisedNow(calls, index)}
    </p>
  );
}

export async function renderSupervisorPage(config: DemoPageConfig, root: HTMLElement): Promise<void> {
  try {
    const user = await demoApi.user('supervisor');
    const calls = await demoApi.supervisedCalls();
    startPlugin({ agent: user.identity, functionsUrl: config.functionsUrl, syncUrl: config.syncUrl, user });
    ReactDOM.render(
      <Flex.StorelessThemeProvider themeConf={{}}>
        <main className="supervisor-page" aria-label="Recording Controls (supervisor)">
          <SupervisorIntro identity={user.identity} calls={calls} />
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
