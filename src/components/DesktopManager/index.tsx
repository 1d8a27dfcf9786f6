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

const text = (key: Parameters<typeof navText>[2], vars?: Record<string, string>) => {
  const { manager } = getRuntime();
  return navText(manager.strings, manager.localization?.localeTag, key, vars);
};

/** The view: the editor once desktop-manager.js has loaded, with the admin's token and strings. */
export function DesktopManagerPage({ load = loadAdminBundle }: { load?: (baseUrl: string) => Promise<AdminBundle> }) {
  const runtime = getRuntime();
  const baseUrl = runtime.config.serverlessBaseUrl;
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
    return <DesktopManagerView baseUrl={baseUrl} token={runtime.token} strings={runtime.manager.strings} localeTag={runtime.manager.localization?.localeTag} />;
  }
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
      {text('DesktopManagerNavTitle')}
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
