/**
 * The Desktop Manager in Flex: for admins a side-nav entry and a view that loads the editor on
 * first open (src/flex/viewBundle.ts). Agents get neither the entry nor the view, and never
 * download the editor.
 */
import * as React from 'react';
import { getRuntime, rolesOf } from '../../flex/runtime';
import { sideNavView, type BundledViewProps } from '../SideNavView';
import { ViewBundleLoader } from '../ViewBundleLoader';
import { navText } from './navStrings';
import { ADMIN_BUNDLE, type AdminBundle } from './spec';

export const DESKTOP_MANAGER_VIEW = 'desktop-manager';

export interface AdminViewLoaderProps extends BundledViewProps {
  load?: (baseUrl: string) => Promise<AdminBundle>;
}

/** Loads desktop-manager.js on first render, then shows the editor; offers to try again when it cannot. */
export function AdminViewLoader({ baseUrl, token, strings, localeTag, load }: AdminViewLoaderProps) {
  return (
    <ViewBundleLoader<AdminBundle>
      baseUrl={baseUrl}
      spec={ADMIN_BUNDLE}
      load={load}
      testId="desktop-manager-loader"
      texts={{
        loading: navText(strings, localeTag, 'DesktopManagerNavLoading'),
        failed: (vars) => navText(strings, localeTag, 'DesktopManagerNavLoadFailed', vars),
        retry: navText(strings, localeTag, 'DesktopManagerNavRetry'),
      }}
      render={({ DesktopManagerView }) => <DesktopManagerView baseUrl={baseUrl} token={token} strings={strings} localeTag={localeTag} />}
    />
  );
}

/** The view in Flex: the editor with the admin's own token and strings. */
export function DesktopManagerPage({ load }: { load?: AdminViewLoaderProps['load'] }) {
  const { config, manager, token } = getRuntime();
  return <AdminViewLoader baseUrl={config.serverlessBaseUrl} token={token} strings={manager.strings} localeTag={manager.localization?.localeTag} load={load} />;
}

export const isAdmin = (): boolean => rolesOf(getRuntime().manager).includes('admin');

/** Admins get the view and its side-nav link. */
const desktopManagerView = sideNavView({
  name: DESKTOP_MANAGER_VIEW,
  icon: 'Cogs',
  iconActive: 'Cogs',
  label: () => navText(getRuntime().manager.strings, getRuntime().manager.localization?.localeTag, 'DesktopManagerNavTitle'),
  allowed: isAdmin,
  page: <DesktopManagerPage />,
});

export const addDesktopManager = desktopManagerView.add;
