/**
 * The Compliance view in Flex, for supervisors and admins: a side-nav entry and a view that loads
 * compliance.js on first open (src/flex/viewBundle.ts). Agents get neither, and never download it.
 */
import * as React from 'react';
import { Actions, SideLink, View } from '@twilio/flex-ui';
import { getRuntime } from '../../flex/runtime';
import { translate } from '../../flex/strings';
import { ViewBundleLoader } from '../ViewBundleLoader';
import { COMPLIANCE_BUNDLE, type ComplianceBundle } from './spec';

export const COMPLIANCE_VIEW = 'recording-compliance';

export interface ComplianceViewLoaderProps {
  baseUrl: string;
  token: () => string | undefined;
  strings: Record<string, unknown>;
  localeTag?: string;
  load?: (baseUrl: string) => Promise<ComplianceBundle>;
}

export function ComplianceViewLoader({ baseUrl, token, strings, localeTag, load }: ComplianceViewLoaderProps) {
  return (
    <ViewBundleLoader<ComplianceBundle>
      baseUrl={baseUrl}
      spec={COMPLIANCE_BUNDLE}
      load={load}
      testId="compliance-loader"
      texts={{
        loading: translate(strings, 'RecordingControlsComplianceLoading'),
        failed: (vars) => translate(strings, 'RecordingControlsComplianceLoadFailed', vars),
        retry: translate(strings, 'RecordingControlsComplianceRetry'),
      }}
      render={({ ComplianceView }) => <ComplianceView baseUrl={baseUrl} token={token} strings={strings} localeTag={localeTag} />}
    />
  );
}

/** The view in Flex, with the user's own token and strings. */
export function CompliancePage({ load }: { load?: ComplianceViewLoaderProps['load'] }) {
  const { config, manager, token } = getRuntime();
  return (
    <ComplianceViewLoader baseUrl={config.serverlessBaseUrl} token={token} strings={manager.strings} localeTag={manager.localization?.localeTag} load={load} />
  );
}

export function ComplianceSideLink({ activeView, showLabel }: { activeView?: string; showLabel?: boolean }) {
  return (
    <SideLink
      showLabel={showLabel}
      icon="Inspections"
      iconActive="InspectionsBold"
      isActive={activeView === COMPLIANCE_VIEW}
      onClick={() => {
        Actions.invokeAction('NavigateToView', { viewName: COMPLIANCE_VIEW }).catch(() => undefined);
      }}
    >
      {getRuntime().t('RecordingControlsComplianceNav')}
    </SideLink>
  );
}

/** Supervisors and admins get the view and its side-nav link (the report names every agent). */
export function addComplianceView(flex: typeof import('@twilio/flex-ui')): void {
  if (!getRuntime().isSupervisor()) return;
  flex.ViewCollection.Content.add(
    <View name={COMPLIANCE_VIEW} key="recording-compliance-view">
      <CompliancePage />
    </View>,
  );
  flex.SideNav.Content.add(<ComplianceSideLink key="recording-compliance-side-link" />);
}
