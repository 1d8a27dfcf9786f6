/**
 * A view of its own in Flex with its side-nav link, for the users it is meant for. What the view
 * shows is loaded from the functions on first open (ViewBundleLoader), so no one else downloads it.
 */
import * as React from 'react';
import { Actions, SideLink, View } from '@twilio/flex-ui';

export interface SideNavViewSpec {
  /** The view's name (what NavigateToView is given); its view and link's keys start with it. */
  name: string;
  icon: string;
  iconActive: string;
  /** The link's text, in the user's language. */
  label(): string;
  /** Whether this user gets the view and its link. */
  allowed(): boolean;
  /** What the view shows. */
  page: React.ReactElement;
}

export interface SideNavViewLinkProps {
  activeView?: string;
  showLabel?: boolean;
}

/** The view's side-nav link (`SideLink`, given what Flex passes) and `add`, for the plugin's setup. */
export function sideNavView({ name, icon, iconActive, label, allowed, page }: SideNavViewSpec) {
  function ViewSideLink({ activeView, showLabel }: SideNavViewLinkProps) {
    return (
      <SideLink
        showLabel={showLabel}
        icon={icon}
        iconActive={iconActive}
        isActive={activeView === name}
        onClick={() => {
          Actions.invokeAction('NavigateToView', { viewName: name }).catch(() => undefined);
        }}
      >
        {label()}
      </SideLink>
    );
  }

  return {
    SideLink: ViewSideLink,
    /** Adds the view and its link when this user is allowed them; called once from the plugin's setup. */
    add(flex: typeof import('@twilio/flex-ui')): void {
      if (!allowed()) return;
      flex.ViewCollection.Content.add(
        <View name={name} key={`${name}-view`}>
          {page}
        </View>,
      );
      flex.SideNav.Content.add(<ViewSideLink key={`${name}-side-link`} />);
    },
  };
}

/** What a view loaded from the functions is given in Flex: the functions' URL and the user's own token and strings. */
export interface BundledViewProps {
  baseUrl: string;
  token: () => string | undefined;
  strings: Record<string, unknown>;
  localeTag?: string;
}
