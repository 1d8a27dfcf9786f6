/**
 * Flex's own API, as far as the deploy guide uses it: the Flex Configuration (`GET` and `POST
 * /v1/Configuration`, JSON) and the Plugins API under `/v1/PluginService` that the twilio CLI's
 * `flex:plugins:deploy` registers versions with and `flex:plugins:release` releases through.
 *
 * As Twilio does, a Configuration update needs the account's sid in the body and replaces each
 * top-level property it names: `ui_attributes` sent without the keys already there loses them, so
 * a caller merges before it sends.
 */
import type { Plugin, PluginConfiguration, PluginVersion, Release } from './flexStore';
import { iso8601 } from './primitives';
import { pageV1 } from './representations';
import type { TwilioModel } from './model';
import { type Route, created, ok, path } from './routing';

const FLEX_BASE = 'https://flex-api.twilio.com/v1';
const PLUGINS_BASE = `${FLEX_BASE}/PluginService`;

function pluginJson(accountSid: string, plugin: Plugin) {
  return {
    sid: plugin.sid,
    account_sid: accountSid,
    unique_name: plugin.uniqueName,
    friendly_name: plugin.friendlyName,
    description: plugin.description,
    archived: false,
    date_created: iso8601(plugin.dateCreated),
    date_updated: iso8601(plugin.dateCreated),
    url: `${PLUGINS_BASE}/Plugins/${plugin.sid}`,
  };
}

function versionJson(accountSid: string, version: PluginVersion) {
  return {
    sid: version.sid,
    plugin_sid: version.pluginSid,
    account_sid: accountSid,
    version: version.version,
    plugin_url: version.pluginUrl,
    changelog: version.changelog,
    private: version.private,
    archived: false,
    validated: true,
    date_created: iso8601(version.dateCreated),
    url: `${PLUGINS_BASE}/Plugins/${version.pluginSid}/Versions/${version.sid}`,
  };
}

function configurationJson(accountSid: string, configuration: PluginConfiguration) {
  return {
    sid: configuration.sid,
    account_sid: accountSid,
    name: configuration.name,
    description: configuration.description,
    archived: false,
    date_created: iso8601(configuration.dateCreated),
    url: `${PLUGINS_BASE}/Configurations/${configuration.sid}`,
  };
}

function configuredPluginJson(model: TwilioModel, configuration: PluginConfiguration, entry: { versionSid: string; phase: number }) {
  const version = model.flex.versions.get(entry.versionSid) as PluginVersion;
  const plugin = model.flex.plugin(version.pluginSid);
  return {
    account_sid: model.accountSid,
    configuration_sid: configuration.sid,
    plugin_sid: plugin.sid,
    plugin_version_sid: version.sid,
    phase: entry.phase,
    plugin_url: version.pluginUrl,
    unique_name: plugin.uniqueName,
    friendly_name: plugin.friendlyName,
    description: plugin.description,
    plugin_archived: false,
    version: version.version,
    changelog: version.changelog,
    plugin_version_archived: false,
    private: version.private,
    date_created: iso8601(configuration.dateCreated),
    url: `${PLUGINS_BASE}/Configurations/${configuration.sid}/Plugins/${plugin.sid}`,
  };
}

function releaseJson(accountSid: string, release: Release) {
  return {
    sid: release.sid,
    account_sid: accountSid,
    configuration_sid: release.configurationSid,
    date_created: iso8601(release.dateCreated),
    url: `${PLUGINS_BASE}/Releases/${release.sid}`,
  };
}

const PLUGIN = '/v1/PluginService/Plugins/(?<plugin>[^/]+)';

export const FLEX_API_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: path('/v1/Configuration'),
    operation: 'flex.configuration.fetch',
    answer: (model) => ok({ ...model.flex.configuration, account_sid: model.accountSid, url: `${FLEX_BASE}/Configuration` }),
  },
  {
    method: 'POST',
    pattern: path('/v1/Configuration'),
    operation: 'flex.configuration.update',
    answer: (model, { json }) => {
      model.flex.updateConfiguration(model.accountSid, json);
      return ok({ ...model.flex.configuration, account_sid: model.accountSid, url: `${FLEX_BASE}/Configuration` });
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/PluginService/Plugins'),
    operation: 'flex.plugin.list',
    answer: (model, { query }) =>
      ok(
        pageV1(
          [...model.flex.plugins.values()].map((plugin) => pluginJson(model.accountSid, plugin)),
          'plugins',
          `${PLUGINS_BASE}/Plugins`,
          query,
        ),
      ),
  },
  {
    method: 'POST',
    pattern: path('/v1/PluginService/Plugins'),
    operation: 'flex.plugin.create',
    answer: (model, { form }) => created(pluginJson(model.accountSid, model.flex.upsertPlugin(form))),
  },
  {
    method: 'GET',
    pattern: path(PLUGIN),
    operation: 'flex.plugin.fetch',
    answer: (model, { params }) => ok(pluginJson(model.accountSid, model.flex.plugin(params.plugin))),
  },
  {
    method: 'POST',
    pattern: path(PLUGIN),
    operation: 'flex.plugin.update',
    answer: (model, { params, form }) => ok(pluginJson(model.accountSid, model.flex.upsertPlugin(form, params.plugin))),
  },
  {
    method: 'GET',
    pattern: path(`${PLUGIN}/Versions`),
    operation: 'flex.pluginVersion.list',
    answer: (model, { params, query }) =>
      ok(
        pageV1(
          model.flex.versionsOf(params.plugin).map((version) => versionJson(model.accountSid, version)),
          'plugin_versions',
          `${PLUGINS_BASE}/Plugins/${params.plugin}/Versions`,
          query,
        ),
      ),
  },
  {
    method: 'POST',
    pattern: path(`${PLUGIN}/Versions`),
    operation: 'flex.pluginVersion.create',
    answer: (model, { params, form }) => created(versionJson(model.accountSid, model.flex.createVersion(params.plugin, form))),
  },
  {
    method: 'GET',
    pattern: path(`${PLUGIN}/Versions/(?<version>[^/]+)`),
    operation: 'flex.pluginVersion.fetch',
    answer: (model, { params }) => ok(versionJson(model.accountSid, model.flex.version(params.plugin, params.version))),
  },
  {
    method: 'POST',
    pattern: path('/v1/PluginService/Configurations'),
    operation: 'flex.pluginConfiguration.create',
    answer: (model, { form }) => created(configurationJson(model.accountSid, model.flex.createConfiguration(form))),
  },
  {
    method: 'GET',
    pattern: path('/v1/PluginService/Configurations/(?<configuration>[^/]+)'),
    operation: 'flex.pluginConfiguration.fetch',
    answer: (model, { params }) => ok(configurationJson(model.accountSid, model.flex.configurationBySid(params.configuration))),
  },
  {
    method: 'GET',
    pattern: path('/v1/PluginService/Configurations/(?<configuration>[^/]+)/Plugins'),
    operation: 'flex.pluginConfiguration.fetch',
    answer: (model, { params, query }) => {
      const configuration = model.flex.configurationBySid(params.configuration);
      return ok(
        pageV1(
          configuration.plugins.map((entry) => configuredPluginJson(model, configuration, entry)),
          'plugins',
          `${PLUGINS_BASE}/Configurations/${configuration.sid}/Plugins`,
          query,
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/PluginService/Releases'),
    operation: 'flex.release.list',
    answer: (model, { query }) =>
      ok(
        pageV1(
          model.flex.releases.map((release) => releaseJson(model.accountSid, release)),
          'releases',
          `${PLUGINS_BASE}/Releases`,
          query,
        ),
      ),
  },
  {
    method: 'POST',
    pattern: path('/v1/PluginService/Releases'),
    operation: 'flex.release.create',
    answer: (model, { form }) => created(releaseJson(model.accountSid, model.flex.release(form.get('ConfigurationId')))),
  },
];
