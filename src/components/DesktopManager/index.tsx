/**
 * The Desktop Manager in Flex: for admins a side-nav entry and a view that loads the editor on
 * first open (loadAdminBundle.ts), and for everyone the relay of CRM pages' triggers (src/crm).
 * Agents get neither the entry nor the view, and never download the editor.
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import { Actions, Button, SideLink, View } from '@twilio/flex-ui';
import { startCrmBridge, type CrmBridge } from '../../crm/bridge';
import { getRuntime, rolesOf } from '../../flex/runtime';
import { ADMIN_BUNDLE_FILE, loadAdminBundle, type AdminBundle } from './loadAdminBundle';
import { navText } from './navStrings';

export const DESKTOP_MANAGER_VIEW = 'desktop-manager';

export interface AdminViewLoaderProps {
  baseUrl: string;
  token: () => string | undefined;
  strings: Record<string, unknown>;
  localeTag?: string;
  load?: (baseUrl: string) => Promise<AdminBundle>;
}

/** Loads desktop-manager.js on first render, then shows the editor; offers to try again when it cannot. */
export function AdminViewLoader({ baseUrl, token, strings, localeTag, load = loadAdminBundle }: AdminViewLoaderProps) {
  const [bundle, setBundle] = useState<AdminBundle>();
  const [problem, setProblem] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let shown = true;
    setProblem(undefined);
    load(baseUrl).then(
      (loaded) => shown && setBundle(loaded),
      (error: Error) => shown && setProblem(error.message),
    );
    return () => {
      shown = false;
    };
  }, [baseUrl, attempt]);

  if (bundle) {
    const { DesktopManagerView } = bundle;
    return <DesktopManagerView baseUrl={baseUrl} token={token} strings={strings} localeTag={localeTag} />;
  }
  const text = (key: Parameters<typeof navText>[2], vars?: Record<string, string>) => navText(strings, localeTag, key, vars);
  return (
    <div style={{ padding: 24 }} data-testid="desktop-manager-loader">
      {problem ? (
        <>
          <p role="alert">{text('DesktopManagerNavLoadFailed', { url: `${baseUrl}/${ADMIN_BUNDLE_FILE}`, message: problem })}</p>
          <Button variant="secondary" size="small" onClick={() => setAttempt(attempt + 1)}>
            {text('DesktopManagerNavRetry')}
          </Button>
        </>
      ) : (
        <p>{text('DesktopManagerNavLoading')}</p>
      )}
    </div>
  );
}

/** The view in Flex: the editor with the admin's own token and strings. */
export function DesktopManagerPage({ load }: { load?: AdminViewLoaderProps['load'] }) {
  const { config, manager, token } = getRuntime();
  return <AdminViewLoader baseUrl={config.serverlessBaseUrl} token={token} strings={manager.strings} localeTag={manager.localization?.localeTag} load={load} />;
}

export function DesktopManagerSideLink({ activeView, showLabel }: { activeView?: string; showLabel?: boolean }) {
  return (
    <SideLink
      showLabel={showLabel}
      icon="Cogs"
      iconActive="Cogs"
      isActive={activeView === DESKTOP_MANAGER_VIEW}
      onClick={() => {
        Actions.invokeAction('NavigateToView', { viewName: DESKTOP_MANAGER_VIEW }).catch(() => undefined);
      }}
    >
      {navText(getRuntime().manager.strings, getRuntime().manager.localization?.localeTag, 'DesktopManagerNavTitle')}
    </SideLink>
  );
}

export const isAdmin = (): boolean => rolesOf(getRuntime().manager).includes('admin');

let bridge: CrmBridge | undefined;

/** Wires both into Flex; called once from the plugin's setup. */
export function setupDesktopManager(flex: typeof import('@twilio/flex-ui')): void {
  const runtime = getRuntime();
  if (runtime.configured && !bridge) bridge = startCrmBridge();
  if (!isAdmin()) return;
  flex.ViewCollection.Content.add(
    <View name={DESKTOP_MANAGER_VIEW} key="desktop-manager-view">
      <DesktopManagerPage />
    </View>,
  );
  flex.SideNav.Content.add(<DesktopManagerSideLink key="desktop-manager-side-link" />);
}
