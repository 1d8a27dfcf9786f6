/**
 * Flex's own API, as far as the deploy guide uses it: the Flex Configuration (`GET` and `POST
 * /v1/Configuration`, JSON) and the Plugins API under `/v1/PluginService` that the twilio CLI's
 * `flex:plugins:deploy` registers versions with and `flex:plugins:release` releases through.
 *
 * As Twilio does, a Configuration update needs the account's sid in the body and replaces each
 * top-level property it names: `ui_attributes` sent without the keys already there loses them, so
 * a caller merges before it sends.
 */
import { TwilioApiError, newSid, type Randomness } from './primitives';
import { iso8601, pageV1 } from './representations';
import type { TwilioModel } from './model';
import { type Route, created, ok, path } from './routing';
import { isObject } from '../core/isObject';

const FLEX_BASE = 'https://flex-api.twilio.com/v1';
const PLUGINS_BASE = `${FLEX_BASE}/PluginService`;

interface Plugin {
  sid: string;
  uniqueName: string;
  friendlyName: string;
  description: string;
  dateCreated: Date;
}

interface PluginVersion {
  sid: string;
  pluginSid: string;
  version: string;
  pluginUrl: string;
  changelog: string;
  private: boolean;
  dateCreated: Date;
}

interface PluginConfiguration {
  sid: string;
  name: string;
  description: string;
  /** Plugin version sids, with the phase Flex loads each in. */
  plugins: Array<{ versionSid: string; phase: number }>;
  dateCreated: Date;
}

interface Release {
  sid: string;
  configurationSid: string;
  dateCreated: Date;
}

/** The account's Flex Configuration and Plugins API records. */
export class FlexStore {
  /** The Configuration's properties, snake_case as Twilio answers them; `ui_attributes` starts empty. */
  configuration: Record<string, unknown> = {};
  plugins = new Map<string, Plugin>();
  versions = new Map<string, PluginVersion>();
  configurations = new Map<string, PluginConfiguration>();
  /** Newest first: the first is the active release. */
  releases: Release[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly randomness: Randomness,
  ) {
    this.reset();
  }

  reset(): void {
    this.configuration = { ui_attributes: {}, serverless_service_sids: [], status: 'ok', ui_version: '2.17.1' };
    this.plugins.clear();
    this.versions.clear();
    this.configurations.clear();
    this.releases = [];
  }

  updateConfiguration(accountSid: string, body: unknown): void {
    if (!isObject(body)) throw new TwilioApiError(400, 20001, 'The Configuration update takes a JSON object');
    if (body.account_sid !== accountSid) throw new TwilioApiError(400, 20001, 'Missing or wrong account_sid in the Configuration update');
    for (const [name, value] of Object.entries(body)) if (name !== 'account_sid') this.configuration[name] = value;
  }

  /** A plugin by sid or unique name. */
  plugin(id: string): Plugin {
    const found = this.plugins.get(id) ?? [...this.plugins.values()].find((plugin) => plugin.uniqueName === id);
    if (!found) throw new TwilioApiError(404, 20404, `The requested resource /PluginService/Plugins/${id} was not found`);
    return found;
  }

  upsertPlugin(form: URLSearchParams, id?: string): Plugin {
    const existing = id ? this.plugin(id) : [...this.plugins.values()].find((plugin) => plugin.uniqueName === form.get('UniqueName'));
    if (existing) {
      existing.friendlyName = form.get('FriendlyName') ?? existing.friendlyName;
      existing.description = form.get('Description') ?? existing.description;
      return existing;
    }
    const uniqueName = form.get('UniqueName');
    if (!uniqueName) throw new TwilioApiError(400, 20001, 'Missing required parameter UniqueName');
    const plugin = {
      sid: newSid('FP', this.randomness),
      uniqueName,
      friendlyName: form.get('FriendlyName') ?? uniqueName,
      description: form.get('Description') ?? '',
      dateCreated: this.now(),
    };
    this.plugins.set(plugin.sid, plugin);
    return plugin;
  }

  /** A plugin's versions, newest first. */
  versionsOf(pluginId: string): PluginVersion[] {
    const { sid } = this.plugin(pluginId);
    return [...this.versions.values()].filter((version) => version.pluginSid === sid).reverse();
  }

  version(pluginId: string, id: string): PluginVersion {
    const found = this.versionsOf(pluginId).find((version) => version.sid === id || version.version === id);
    if (!found) throw new TwilioApiError(404, 20404, `The requested resource /PluginService/Plugins/${pluginId}/Versions/${id} was not found`);
    return found;
  }

  createVersion(pluginId: string, form: URLSearchParams): PluginVersion {
    const plugin = this.plugin(pluginId);
    const version = form.get('Version');
    const pluginUrl = form.get('PluginUrl');
    if (!version || !pluginUrl) throw new TwilioApiError(400, 20001, 'Missing required parameter Version or PluginUrl');
    if (this.versionsOf(plugin.sid).some((existing) => existing.version === version))
      throw new TwilioApiError(409, 20409, `Plugin ${plugin.uniqueName} already has a version ${version}`);
    const created = {
      sid: newSid('FV', this.randomness),
      pluginSid: plugin.sid,
      version,
      pluginUrl,
      changelog: form.get('Changelog') ?? '',
      private: form.get('Private') !== 'false',
      dateCreated: this.now(),
    };
    this.versions.set(created.sid, created);
    return created;
  }

  createConfiguration(form: URLSearchParams): PluginConfiguration {
    const name = form.get('Name');
    if (!name) throw new TwilioApiError(400, 20001, 'Missing required parameter Name');
    const plugins = form.getAll('Plugins').map((entry) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(entry);
      } catch {
        throw new TwilioApiError(400, 20001, `Invalid Plugins: ${entry}`);
      }
      const versionSid = isObject(parsed) && typeof parsed.plugin_version === 'string' ? parsed.plugin_version : '';
      if (!this.versions.has(versionSid)) throw new TwilioApiError(400, 20001, `Invalid Plugins: no plugin version ${versionSid}`);
      return { versionSid, phase: isObject(parsed) && typeof parsed.phase === 'number' ? parsed.phase : 3 };
    });
    const configuration = { sid: newSid('FJ', this.randomness), name, description: form.get('Description') ?? '', plugins, dateCreated: this.now() };
    this.configurations.set(configuration.sid, configuration);
    return configuration;
  }

  configurationBySid(sid: string): PluginConfiguration {
    const found = this.configurations.get(sid);
    if (!found) throw new TwilioApiError(404, 20404, `The requested resource /PluginService/Configurations/${sid} was not found`);
    return found;
  }

  release(configurationSid: string | null): Release {
    const configuration = this.configurationBySid(configurationSid ?? '');
    const release = { sid: newSid('FK', this.randomness), configurationSid: configuration.sid, dateCreated: this.now() };
    this.releases.unshift(release);
    return release;
  }
}

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
