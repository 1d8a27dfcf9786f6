/** The account's Flex Configuration and Plugins API records (flexApi.ts answers the API). */
import { isObject } from '../core/isObject';
import { TwilioApiError, newSid, type Randomness } from './primitives';

export interface Plugin {
  sid: string;
  uniqueName: string;
  friendlyName: string;
  description: string;
  dateCreated: Date;
}

export interface PluginVersion {
  sid: string;
  pluginSid: string;
  version: string;
  pluginUrl: string;
  changelog: string;
  private: boolean;
  dateCreated: Date;
}

export interface PluginConfiguration {
  sid: string;
  name: string;
  description: string;
  /** Plugin version sids, with the phase Flex loads each in. */
  plugins: Array<{ versionSid: string; phase: number }>;
  dateCreated: Date;
}

export interface Release {
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
