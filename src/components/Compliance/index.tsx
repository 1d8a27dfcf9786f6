/**
 * The Compliance view in Flex, for supervisors and admins: a side-nav entry and a view that loads
 * compliance.js on first open (src/flex/viewBundle.ts). Agents get neither, and never download it.
 */
import * as React from 'react';
import { getRuntime } from '../../flex/runtime';
import { translate } from '../../flex/strings';
import { sideNavView, type BundledViewProps } from '../SideNavView';
import { ViewBundleLoader } from '../ViewBundleLoader';
import { COMPLIANCE_BUNDLE, type ComplianceBundle } from './spec';

export const COMPLIANCE_VIEW = 'recording-compliance';

export interface ComplianceViewLoaderProps extends BundledViewProps {
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

/** Supervisors and admins get the view and its side-nav link (the report names every agent). */
const complianceView = sideNavView({
  name: COMPLIANCE_VIEW,
  icon: 'Inspections',
  iconActive: 'InspectionsBold',
  label: () => getRuntime().t('RecordingControlsComplianceNav'),
  allowed: () => getRuntime().isSupervisor(),
  page: <CompliancePage />,
});

export const addComplianceView = complianceView.add;
