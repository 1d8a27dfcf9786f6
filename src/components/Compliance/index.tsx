/**
 * The Compliance view in Flex, for supervisors and admins: a side-nav entry and a view that loads
 * compliance.js on first open (src/flex/viewBundle.ts). Agents get neither, and never download it.
 */
import * as React from 'react';
import { getRuntime } from '../../flex/runtime';
import { translate } from '../../flex/strings';
import { bundledViewProps, sideNavView, type BundledViewProps } from '../SideNavView';
import { ViewBundleLoader } from '../ViewBundleLoader';
import { COMPLIANCE_BUNDLE, type ComplianceBundle } from './spec';

export const COMPLIANCE_VIEW = 'recording-compliance';

export interface ComplianceViewLoaderProps extends BundledViewProps {
  load?: (baseUrl: string) => Promise<ComplianceBundle>;
}

export function ComplianceViewLoader({ load, ...props }: ComplianceViewLoaderProps) {
  return (
    <ViewBundleLoader<ComplianceBundle>
      baseUrl={props.baseUrl}
      spec={COMPLIANCE_BUNDLE}
      load={load}
      testId="compliance-loader"
      texts={{
        loading: translate(props.strings, 'RecordingControlsComplianceLoading'),
        failed: (vars) => translate(props.strings, 'RecordingControlsComplianceLoadFailed', vars),
        retry: translate(props.strings, 'RecordingControlsComplianceRetry'),
      }}
      render={({ ComplianceView }) => <ComplianceView {...props} />}
    />
  );
}

/** The view in Flex, with the user's own token and strings. */
export function CompliancePage({ load }: { load?: ComplianceViewLoaderProps['load'] }) {
  return <ComplianceViewLoader {...bundledViewProps()} load={load} />;
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
