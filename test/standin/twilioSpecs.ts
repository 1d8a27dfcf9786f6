/**
 * Twilio's own OpenAPI documents (twilio-oai, as shipped in the `@twilio-alpha/mcp` package) and
 * the checks the stand-in's conformance test makes with them: a request names an operation the
 * spec has, sends only parameters the spec knows with values its schemas accept; an answer has a
 * status the spec lists and a body its schema accepts, or else is Twilio's error body; a page
 * holds no more than the spec's PageSize maximum.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

/** The documents the functions' traffic belongs to, by host. */
const SPEC_FILES: Record<string, string> = {
  'api.twilio.com': 'twilio_api_v2010.json',
  'sync.twilio.com': 'twilio_sync_v1.json',
  'taskrouter.twilio.com': 'twilio_taskrouter_v1.json',
  'events.twilio.com': 'twilio_events_v1.json',
  'flex-api.twilio.com': 'twilio_flex_v1.json',
};

/**
 * Where a spec's schema contradicts its own description, the description wins (each named, with
 * its words): these schemas admit null.
 */
const NULLABLE_BY_DESCRIPTION: Record<string, string[]> = {
  // "The reason why a conference ended. When a conference is in progress, will be `null`."
  twilio_api_v2010: ['conference_enum_reason_conference_ended'],
};

/** HTTP statuses Twilio answers errors with (its REST API docs: 4xx for the caller, 5xx its own). */
export const TWILIO_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 412, 413, 429, 500, 502, 503];

type Json = Record<string, any>;

interface Spec {
  document: Json;
  id: string;
  paths: { template: string; pattern: RegExp; names: string[]; item: Json }[];
}

export interface Operation {
  host: string;
  template: string;
  method: string;
  definition: Json;
  /** Path and operation parameters together. */
  parameters: Json[];
  pathParams: Record<string, string>;
  spec: Spec;
}

/** One request the SDK sent and the stand-in's answer, as seen on the wire. */
export interface Exchange {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  status: number;
  responseBody: string;
}

export function specDirectory(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('@twilio-alpha/mcp/package.json');
  } catch {
    throw new Error('Twilio OpenAPI specs not found: the devDependency @twilio-alpha/mcp is not installed (run npm install)');
  }
  const directory = join(dirname(packageJson), 'twilio-oai/spec/json');
  if (!existsSync(directory)) throw new Error(`@twilio-alpha/mcp has no twilio-oai/spec/json at ${directory}`);
  return directory;
}

export class TwilioSpecs {
  private readonly specs = new Map<string, Spec>();
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(directory = specDirectory()) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addTwilioFormats(this.ajv);
    for (const [host, file] of Object.entries(SPEC_FILES)) {
      const document = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json;
      const id = file.replace(/\.json$/, '');
      for (const name of NULLABLE_BY_DESCRIPTION[id] ?? []) document.components.schemas[name].nullable = true;
      this.ajv.addSchema({ $id: id, components: openApiToJsonSchema(document.components) });
      const paths = Object.entries(document.paths as Json).map(([template, item]) => {
        const names: string[] = [];
        const source = template.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
        return { template, pattern: new RegExp(`^${source}$`), names, item: item as Json };
      });
      this.specs.set(host, { document, id, paths });
    }
  }

  /** The operation a request names, or a reason it names none. */
  operation(method: string, url: URL): Operation | string {
    const spec = this.specs.get(url.hostname);
    if (!spec) return `no Twilio spec for host ${url.hostname}`;
    // A literal path (…/Tokens/validate) must win over a templated one, as servers route.
    const matches = spec.paths.filter((path) => path.pattern.test(url.pathname)).sort((a, b) => a.names.length - b.names.length);
    const path = matches[0];
    if (!path) return `${url.hostname}${url.pathname} is not a path of ${spec.id}`;
    const definition = path.item[method.toLowerCase()] as Json | undefined;
    if (!definition) return `${method} ${path.template} is not an operation of ${spec.id}`;
    const values = (path.pattern.exec(url.pathname) as RegExpExecArray).slice(1).map((value) => decodeURIComponent(value));
    return {
      host: url.hostname,
      template: path.template,
      method: method.toUpperCase(),
      definition,
      parameters: [...((path.item.parameters as Json[]) ?? []), ...((definition.parameters as Json[]) ?? [])],
      pathParams: Object.fromEntries(path.names.map((name, index) => [name, values[index]])),
      spec,
    };
  }

  /** What is wrong with a request, by the spec; empty when nothing is. */
  requestProblems(exchange: Exchange, operation: Operation): string[] {
    const problems: string[] = [];
    const where = `${exchange.method} ${operation.template}`;
    const declared = (place: string) => operation.parameters.filter((parameter) => parameter.in === place);

    for (const parameter of declared('path')) {
      problems.push(...this.valueProblems(operation, parameter.schema, [operation.pathParams[parameter.name]], `${where} path ${parameter.name}`));
    }
    const query = declared('query');
    for (const name of new Set(exchange.url.searchParams.keys())) {
      const parameter = query.find((candidate) => candidate.name === name);
      if (!parameter) problems.push(`${where}: query parameter ${name} is not in the spec`);
      else problems.push(...this.valueProblems(operation, parameter.schema, exchange.url.searchParams.getAll(name), `${where} query ${name}`));
    }
    for (const parameter of query.filter((candidate) => candidate.required)) {
      if (!exchange.url.searchParams.has(parameter.name)) problems.push(`${where}: required query parameter ${parameter.name} is missing`);
    }
    if (exchange.headers.has('If-Match') && !declared('header').some((parameter) => parameter.name === 'If-Match')) {
      problems.push(`${where}: sends If-Match, which the spec does not declare`);
    }

    const form = operation.definition.requestBody?.content?.['application/x-www-form-urlencoded']?.schema as Json | undefined;
    const sent = new URLSearchParams(exchange.body);
    if (!form) {
      if (exchange.body.length > 0) problems.push(`${where}: sends a body the spec does not take`);
      return problems;
    }
    const properties = (form.properties ?? {}) as Json;
    for (const name of new Set(sent.keys())) {
      if (!(name in properties)) problems.push(`${where}: form parameter ${name} is not in the spec`);
      else problems.push(...this.valueProblems(operation, properties[name], sent.getAll(name), `${where} form ${name}`));
    }
    for (const name of (form.required as string[] | undefined) ?? []) {
      if (!sent.has(name)) problems.push(`${where}: required form parameter ${name} is missing`);
    }
    return problems;
  }

  /** What is wrong with the stand-in's answer, by the spec; empty when nothing is. */
  responseProblems(exchange: Exchange, operation: Operation): string[] {
    const where = `${exchange.method} ${operation.template} → ${exchange.status}`;
    if (exchange.status >= 400) return errorBodyProblems(exchange, where);
    const response = operation.definition.responses?.[String(exchange.status)] as Json | undefined;
    if (!response) return [`${where}: the spec lists only ${Object.keys(operation.definition.responses ?? {}).join(', ')}`];
    const schema = response.content?.['application/json']?.schema as Json | undefined;
    if (!schema) return exchange.responseBody.length === 0 ? [] : [`${where}: answers a body where the spec has none`];
    let body: unknown;
    try {
      body = JSON.parse(exchange.responseBody);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    const problems = this.schemaProblems(operation, schema, body, where);
    problems.push(...this.unknownPropertyProblems(operation, schema, body, where));
    problems.push(...this.pageSizeProblems(operation, body, where));
    return problems;
  }

  /** The spec's PageSize maximum for a list operation, if it is one. */
  maxPageSize(operation: Operation): number | undefined {
    const parameter = operation.parameters.find((candidate) => candidate.in === 'query' && candidate.name === 'PageSize');
    return parameter?.schema?.maximum as number | undefined;
  }

  private pageSizeProblems(operation: Operation, body: unknown, where: string): string[] {
    const maximum = this.maxPageSize(operation);
    if (maximum === undefined || typeof body !== 'object' || body === null) return [];
    const page = body as Json;
    const pageSize = (page.meta?.page_size ?? page.page_size) as number | undefined;
    const key = (page.meta?.key as string | undefined) ?? Object.keys(page).find((name) => Array.isArray(page[name]));
    const items = key ? (page[key] as unknown[]) : [];
    const problems: string[] = [];
    if (pageSize === undefined || pageSize > maximum) problems.push(`${where}: page_size ${pageSize} is over the spec's maximum ${maximum}`);
    if (items.length > maximum || (pageSize !== undefined && items.length > pageSize))
      problems.push(`${where}: ${items.length} items in a page of ${pageSize}`);
    return problems;
  }

  /** Form and query values arrive as text: read them as the schema's type before validating. */
  private valueProblems(operation: Operation, schema: Json | undefined, values: string[], where: string): string[] {
    if (!schema) return [];
    const resolved = this.resolve(operation, schema);
    if (resolved.type === 'array')
      return this.schemaProblems(
        operation,
        schema,
        values.map((value) => coerce(this.resolve(operation, resolved.items ?? {}), value)),
        where,
      );
    if (values.length > 1) return [`${where}: sent ${values.length} times, the spec takes one value`];
    return this.schemaProblems(operation, schema, coerce(resolved, values[0]), where);
  }

  private schemaProblems(operation: Operation, schema: Json, value: unknown, where: string): string[] {
    const validate = this.validator(operation, schema);
    return validate(value) ? [] : [`${where}: ${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(value).slice(0, 300)}`];
  }

  /** Properties of the answer the spec's schema does not name: the stand-in must not invent fields. */
  private unknownPropertyProblems(operation: Operation, schema: Json, value: unknown, where: string): string[] {
    const resolved = this.resolve(operation, schema);
    if (typeof value !== 'object' || value === null) return [];
    if (Array.isArray(value)) return resolved.items ? value.flatMap((item) => this.unknownPropertyProblems(operation, resolved.items, item, where)) : [];
    const properties = resolved.properties as Json | undefined;
    // Free-form objects (data, attributes, links, subresource_uris) are the spec's to leave open.
    if (!properties || resolved.format === 'uri-map') return [];
    return Object.entries(value).flatMap(([name, child]) =>
      name in properties
        ? this.unknownPropertyProblems(operation, properties[name], child, `${where} .${name}`)
        : [`${where}: property ${name} is not in the spec`],
    );
  }

  private resolve(operation: Operation, schema: Json): Json {
    let current = schema;
    for (let depth = 0; current.$ref && depth < 10; depth += 1) {
      const name = (current.$ref as string).replace('#/components/schemas/', '');
      current = operation.spec.document.components.schemas[name] as Json;
    }
    return current;
  }

  private validator(operation: Operation, schema: Json): ValidateFunction {
    const key = `${operation.spec.id} ${JSON.stringify(schema)}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const local = openApiToJsonSchema(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, `"${operation.spec.id}#/components`))) as Json;
      validate = this.ajv.compile(local);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** Twilio's error body: `{code, message, more_info, status}` with the HTTP status repeated. */
export function errorBodyProblems(exchange: Exchange, where: string): string[] {
  const problems: string[] = [];
  if (!TWILIO_ERROR_STATUSES.includes(exchange.status)) problems.push(`${where}: ${exchange.status} is not a status Twilio answers errors with`);
  let body: Json;
  try {
    body = JSON.parse(exchange.responseBody) as Json;
  } catch {
    return [...problems, `${where}: the error body is not JSON`];
  }
  if (!Number.isInteger(body.code)) problems.push(`${where}: error code ${body.code} is not an integer`);
  if (typeof body.message !== 'string' || body.message.length === 0) problems.push(`${where}: error without a message`);
  if (body.more_info !== `https://www.twilio.com/docs/errors/${body.code}`)
    problems.push(`${where}: more_info ${body.more_info} does not name code ${body.code}`);
  if (body.status !== exchange.status) problems.push(`${where}: error body status ${body.status} is not the HTTP status`);
  return problems;
}

/**
 * OpenAPI 3.0's `nullable: true` in JSON Schema terms: the type (or referenced schema, or enum)
 * also admits null.
 */
function openApiToJsonSchema(node: unknown): any {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Json;
  const converted: Json = Object.fromEntries(
    Object.entries(rest).map(([name, child]) => [name, name === 'examples' || name === 'example' ? child : openApiToJsonSchema(child)]),
  );
  if (nullable !== true) return converted;
  if (converted.$ref) return { anyOf: [converted, { type: 'null' }] };
  if (typeof converted.type === 'string') converted.type = [converted.type, 'null'];
  if (Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
  return converted;
}

function coerce(schema: Json, value: string): unknown {
  if (schema.type === 'integer' || schema.type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (schema.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  if (schema.type === 'object') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

/** The formats Twilio's specs use, checked as Twilio writes them. */
function addTwilioFormats(ajv: Ajv): void {
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  ajv.addFormat('date-time-rfc-2822', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
  ajv.addFormat('date', /^\d{4}-\d\d-\d\d$/);
  ajv.addFormat('uri', (value: string) => {
    try {
      return Boolean(new URL(value));
    } catch {
      // Twilio's 2010 API answers its `uri` fields relative to api.twilio.com.
      return value.startsWith('/');
    }
  });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isInteger(value) });
  // Formats of objects (uri-map) or of fields the stand-in never answers: not checked.
  for (const name of [
    'uri-map',
    'iso-country-code',
    'http-method',
    'phone-number',
    'phone-number-capabilities',
    'currency',
    'ice-server',
    'endpoint',
    'twiml',
  ]) {
    ajv.addFormat(name, () => true);
  }
}
