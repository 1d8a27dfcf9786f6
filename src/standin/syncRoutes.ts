/**
 * Sync's REST routes (https://sync.twilio.com/v1/Services/{ServiceSid}/…): the services
 * themselves, Documents, Maps and their Items, Lists and their Items, and each object's
 * Permissions. Objects are named by sid or unique name; items by key
 * (maps) or index (lists). Writes answer the new revision as ETag and honour If-Match.
 */
import type { TwilioModel } from './model';
import { TwilioApiError, parseIfMatch } from './primitives';
import {
  SYNC_BASE,
  SYNC_MAX_PAGE_SIZE,
  documentJson,
  listItemJson,
  listJson,
  mapItemJson,
  mapJson,
  pageV1,
  permissionJson,
  serviceJson,
} from './representations';
import { type Route, type RouteRequest, created, etag, integerParam, ok, oneOf, path } from './routing';
import type { Bounds, ItemQuery, ListOrder, SyncData, SyncObjectKind, SyncPermission, SyncWrite } from './sync';

const SERVICE = '/v1/Services/(?<service>[^/]+)';
const MAP = `${SERVICE}/Maps/(?<map>[^/]+)`;
const LIST = `${SERVICE}/Lists/(?<list>[^/]+)`;

/** The Data form field: a JSON object, as Sync stores it. */
function syncData(form: URLSearchParams): SyncData | undefined {
  const text = form.get('Data');
  if (text === null) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TwilioApiError(400, 20001, 'Invalid Data: not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TwilioApiError(400, 20001, 'Invalid Data: must be a JSON object');
  return data as SyncData;
}

/** A map's or list's own TTL: CollectionTtl, or its alias Ttl (ignored when both are given). */
function collectionTtl(form: URLSearchParams): number | undefined {
  return integerParam(form.get('CollectionTtl'), 'CollectionTtl') ?? integerParam(form.get('Ttl'), 'Ttl');
}

/** An item write: Data, ItemTtl or its alias Ttl, and CollectionTtl for the parent. */
function itemWrite(form: URLSearchParams): SyncWrite {
  return {
    data: syncData(form),
    ttl: integerParam(form.get('ItemTtl'), 'ItemTtl') ?? integerParam(form.get('Ttl'), 'Ttl'),
    collectionTtl: integerParam(form.get('CollectionTtl'), 'CollectionTtl'),
  };
}

function itemQuery(query: URLSearchParams): ItemQuery {
  return {
    order: oneOf<ListOrder>(query.get('Order'), ['asc', 'desc'], 'Order'),
    from: query.get('From') ?? undefined,
    bounds: oneOf<Bounds>(query.get('Bounds'), ['inclusive', 'exclusive'], 'Bounds'),
  };
}

function ifMatch(request: RouteRequest): string | undefined {
  return parseIfMatch(request.headers.get('If-Match'));
}

function serviceSidOf(model: TwilioModel, request: RouteRequest): string {
  return model.sync.serviceSid(request.params.service);
}

const DOCUMENT_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: path(`${SERVICE}/Documents`),
    operation: 'sync.document.list',
    access: { object: 'document', need: 'list' },
    answer: (model, request) => {
      const documents = model.sync.listDocuments(request.params.service).map((document) => documentJson(model, document));
      return ok(pageV1(documents, 'documents', `${SYNC_BASE}/Services/${serviceSidOf(model, request)}/Documents`, request.query, SYNC_MAX_PAGE_SIZE));
    },
  },
  {
    method: 'POST',
    pattern: path(`${SERVICE}/Documents`),
    operation: 'sync.document.create',
    access: { object: 'document', need: 'create' },
    answer: (model, request) => {
      const document = model.sync.createDocument(request.params.service, request.form.get('UniqueName') ?? undefined, {
        data: syncData(request.form),
        ttl: integerParam(request.form.get('Ttl'), 'Ttl'),
      });
      return created(documentJson(model, document), etag(document.revision));
    },
  },
  {
    method: 'GET',
    pattern: path(`${SERVICE}/Documents/(?<document>[^/]+)`),
    operation: 'sync.document.fetch',
    access: { object: 'document', param: 'document', need: 'read' },
    answer: (model, request) => {
      const document = model.sync.fetchDocument(request.params.service, request.params.document);
      return ok(documentJson(model, document), etag(document.revision));
    },
  },
  {
    method: 'POST',
    pattern: path(`${SERVICE}/Documents/(?<document>[^/]+)`),
    operation: 'sync.document.update',
    access: { object: 'document', param: 'document', need: 'write' },
    answer: (model, request) => {
      const write = { data: syncData(request.form), ttl: integerParam(request.form.get('Ttl'), 'Ttl') };
      const document = model.sync.updateDocument(request.params.service, request.params.document, write, ifMatch(request));
      return ok(documentJson(model, document), etag(document.revision));
    },
  },
  {
    method: 'DELETE',
    pattern: path(`${SERVICE}/Documents/(?<document>[^/]+)`),
    operation: 'sync.document.delete',
    access: { object: 'document', param: 'document', need: 'manage' },
    answer: (model, request) => {
      model.sync.deleteDocument(request.params.service, request.params.document, ifMatch(request));
      return { status: 204 };
    },
  },
];

const MAP_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: path(`${SERVICE}/Maps`),
    operation: 'syncMap.list',
    access: { object: 'map', need: 'list' },
    answer: (model, request) => {
      const maps = model.sync.listMaps(request.params.service).map((map) => mapJson(model, map));
      return ok(pageV1(maps, 'maps', `${SYNC_BASE}/Services/${serviceSidOf(model, request)}/Maps`, request.query, SYNC_MAX_PAGE_SIZE));
    },
  },
  {
    method: 'POST',
    pattern: path(`${SERVICE}/Maps`),
    operation: 'syncMap.create',
    access: { object: 'map', need: 'create' },
    answer: (model, request) => {
      const map = model.sync.createMap(request.params.service, request.form.get('UniqueName') ?? undefined, collectionTtl(request.form));
      return created(mapJson(model, map), etag(map.revision));
    },
  },
  {
    method: 'GET',
    pattern: path(MAP),
    operation: 'syncMap.fetch',
    access: { object: 'map', param: 'map', need: 'read' },
    answer: (model, request) => {
      const map = model.sync.fetchMap(request.params.service, request.params.map);
      return ok(mapJson(model, map), etag(map.revision));
    },
  },
  {
    method: 'POST',
    pattern: path(MAP),
    operation: 'syncMap.update',
    access: { object: 'map', param: 'map', need: 'write' },
    answer: (model, request) => {
      const map = model.sync.updateMap(request.params.service, request.params.map, collectionTtl(request.form));
      return ok(mapJson(model, map), etag(map.revision));
    },
  },
  {
    method: 'DELETE',
    pattern: path(MAP),
    operation: 'syncMap.delete',
    access: { object: 'map', param: 'map', need: 'manage' },
    answer: (model, request) => {
      model.sync.deleteMap(request.params.service, request.params.map);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: path(`${MAP}/Items`),
    operation: 'syncMapItem.list',
    access: { object: 'map', param: 'map', need: 'read' },
    answer: (model, request) => {
      const map = model.sync.fetchMap(request.params.service, request.params.map);
      const items = model.sync.listMapItems(request.params.service, map.sid, itemQuery(request.query)).map((item) => mapItemJson(model, map, item));
      return ok(pageV1(items, 'items', `${SYNC_BASE}/Services/${map.serviceSid}/Maps/${map.sid}/Items`, request.query, SYNC_MAX_PAGE_SIZE));
    },
  },
  {
    method: 'POST',
    pattern: path(`${MAP}/Items`),
    operation: 'syncMapItem.create',
    access: { object: 'map', param: 'map', need: 'write' },
    answer: (model, request) => {
      const item = model.sync.createMapItem(request.params.service, request.params.map, request.form.get('Key') ?? undefined, itemWrite(request.form));
      return created(mapItemJson(model, model.sync.fetchMap(request.params.service, request.params.map), item), etag(item.revision));
    },
  },
  {
    method: 'GET',
    pattern: path(`${MAP}/Items/(?<key>[^/]+)`),
    operation: 'syncMapItem.fetch',
    access: { object: 'map', param: 'map', need: 'read' },
    answer: (model, request) => {
      const item = model.sync.fetchMapItem(request.params.service, request.params.map, request.params.key);
      return ok(mapItemJson(model, model.sync.fetchMap(request.params.service, request.params.map), item), etag(item.revision));
    },
  },
  {
    method: 'POST',
    pattern: path(`${MAP}/Items/(?<key>[^/]+)`),
    operation: 'syncMapItem.update',
    access: { object: 'map', param: 'map', need: 'write' },
    answer: (model, request) => {
      const item = model.sync.updateMapItem(request.params.service, request.params.map, request.params.key, itemWrite(request.form), ifMatch(request));
      return ok(mapItemJson(model, model.sync.fetchMap(request.params.service, request.params.map), item), etag(item.revision));
    },
  },
  {
    method: 'DELETE',
    pattern: path(`${MAP}/Items/(?<key>[^/]+)`),
    operation: 'syncMapItem.delete',
    access: { object: 'map', param: 'map', need: 'write' },
    answer: (model, request) => {
      model.sync.deleteMapItem(request.params.service, request.params.map, request.params.key, ifMatch(request));
      return { status: 204 };
    },
  },
];

const LIST_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: path(`${SERVICE}/Lists`),
    operation: 'syncList.list',
    access: { object: 'list', need: 'list' },
    answer: (model, request) => {
      const lists = model.sync.listLists(request.params.service).map((list) => listJson(model, list));
      return ok(pageV1(lists, 'lists', `${SYNC_BASE}/Services/${serviceSidOf(model, request)}/Lists`, request.query, SYNC_MAX_PAGE_SIZE));
    },
  },
  {
    method: 'POST',
    pattern: path(`${SERVICE}/Lists`),
    operation: 'syncList.create',
    access: { object: 'list', need: 'create' },
    answer: (model, request) => {
      const list = model.sync.createList(request.params.service, request.form.get('UniqueName') ?? undefined, collectionTtl(request.form));
      return created(listJson(model, list), etag(list.revision));
    },
  },
  {
    method: 'GET',
    pattern: path(LIST),
    operation: 'syncList.fetch',
    access: { object: 'list', param: 'list', need: 'read' },
    answer: (model, request) => {
      const list = model.sync.fetchList(request.params.service, request.params.list);
      return ok(listJson(model, list), etag(list.revision));
    },
  },
  {
    method: 'POST',
    pattern: path(LIST),
    operation: 'syncList.update',
    access: { object: 'list', param: 'list', need: 'write' },
    answer: (model, request) => {
      const list = model.sync.updateList(request.params.service, request.params.list, collectionTtl(request.form));
      return ok(listJson(model, list), etag(list.revision));
    },
  },
  {
    method: 'DELETE',
    pattern: path(LIST),
    operation: 'syncList.delete',
    access: { object: 'list', param: 'list', need: 'manage' },
    answer: (model, request) => {
      model.sync.deleteList(request.params.service, request.params.list);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: path(`${LIST}/Items`),
    operation: 'syncListItem.list',
    access: { object: 'list', param: 'list', need: 'read' },
    answer: (model, request) => {
      const list = model.sync.fetchList(request.params.service, request.params.list);
      const items = model.sync.listListItems(request.params.service, list.sid, itemQuery(request.query)).map((item) => listItemJson(model, list, item));
      return ok(pageV1(items, 'items', `${SYNC_BASE}/Services/${list.serviceSid}/Lists/${list.sid}/Items`, request.query, SYNC_MAX_PAGE_SIZE));
    },
  },
  {
    method: 'POST',
    pattern: path(`${LIST}/Items`),
    operation: 'syncListItem.create',
    access: { object: 'list', param: 'list', need: 'write' },
    answer: (model, request) => {
      const item = model.sync.createListItem(request.params.service, request.params.list, itemWrite(request.form));
      return created(listItemJson(model, model.sync.fetchList(request.params.service, request.params.list), item), etag(item.revision));
    },
  },
  {
    method: 'GET',
    pattern: path(`${LIST}/Items/(?<index>[^/]+)`),
    operation: 'syncListItem.fetch',
    access: { object: 'list', param: 'list', need: 'read' },
    answer: (model, request) => {
      const item = model.sync.fetchListItem(request.params.service, request.params.list, request.params.index);
      return ok(listItemJson(model, model.sync.fetchList(request.params.service, request.params.list), item), etag(item.revision));
    },
  },
  {
    method: 'POST',
    pattern: path(`${LIST}/Items/(?<index>[^/]+)`),
    operation: 'syncListItem.update',
    access: { object: 'list', param: 'list', need: 'write' },
    answer: (model, request) => {
      const item = model.sync.updateListItem(request.params.service, request.params.list, request.params.index, itemWrite(request.form), ifMatch(request));
      return ok(listItemJson(model, model.sync.fetchList(request.params.service, request.params.list), item), etag(item.revision));
    },
  },
  {
    method: 'DELETE',
    pattern: path(`${LIST}/Items/(?<index>[^/]+)`),
    operation: 'syncListItem.delete',
    access: { object: 'list', param: 'list', need: 'write' },
    answer: (model, request) => {
      model.sync.deleteListItem(request.params.service, request.params.list, request.params.index, ifMatch(request));
      return { status: 204 };
    },
  },
];

/** A boolean form field as Twilio reads it: `true` or `false`. */
function booleanParam(value: string | null, name: string): boolean | undefined {
  if (value === null) return undefined;
  if (value !== 'true' && value !== 'false') throw new TwilioApiError(400, 20001, `Invalid ${name}: ${value}`);
  return value === 'true';
}

const SERVICE_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: path('/v1/Services'),
    operation: 'syncService.create',
    answer: (model, request) => {
      const service = model.sync.createService(
        request.form.get('FriendlyName') ?? undefined,
        booleanParam(request.form.get('AclEnabled'), 'AclEnabled') ?? false,
      );
      return created(serviceJson(model, service));
    },
  },
  {
    method: 'GET',
    pattern: path(SERVICE),
    operation: 'syncService.fetch',
    answer: (model, request) => ok(serviceJson(model, model.sync.fetchService(request.params.service))),
  },
];

/** Twilio's Permissions resources of each kind of object: `{kind}_sid` names the object in the answer. */
const PERMISSION_PATHS: Array<{ kind: SyncObjectKind; segment: string }> = [
  { kind: 'document', segment: 'Documents' },
  { kind: 'map', segment: 'Maps' },
  { kind: 'list', segment: 'Lists' },
];

/** Read, Write and Manage are all required, as Twilio's spec has them. */
function permissionWrite(form: URLSearchParams): SyncPermission {
  const [read, write, manage] = (['Read', 'Write', 'Manage'] as const).map((name) => {
    const value = booleanParam(form.get(name), name);
    if (value === undefined) throw new TwilioApiError(400, 20001, `Missing required parameter ${name}`);
    return value;
  });
  return { read, write, manage };
}

const PERMISSION_ROUTES: Route[] = PERMISSION_PATHS.flatMap(({ kind, segment }): Route[] => {
  const pattern = path(`${SERVICE}/${segment}/(?<object>[^/]+)/Permissions/(?<identity>[^/]+)`);
  return [
    {
      method: 'GET',
      pattern,
      operation: 'syncPermission.fetch',
      answer: (model, request) => {
        const { object, permission } = model.sync.fetchPermission(request.params.service, kind, request.params.object, request.params.identity);
        return ok(permissionJson(model, kind, object, request.params.identity, permission));
      },
    },
    {
      method: 'POST',
      pattern,
      operation: 'syncPermission.update',
      answer: (model, request) => {
        const { object, permission } = model.sync.setPermission(
          request.params.service,
          kind,
          request.params.object,
          request.params.identity,
          permissionWrite(request.form),
        );
        return ok(permissionJson(model, kind, object, request.params.identity, permission));
      },
    },
    {
      method: 'DELETE',
      pattern,
      operation: 'syncPermission.delete',
      answer: (model, request) => {
        model.sync.deletePermission(request.params.service, kind, request.params.object, request.params.identity);
        return { status: 204 };
      },
    },
  ];
});

export const SYNC_ROUTES: Route[] = [...SERVICE_ROUTES, ...DOCUMENT_ROUTES, ...MAP_ROUTES, ...LIST_ROUTES, ...PERMISSION_ROUTES];
