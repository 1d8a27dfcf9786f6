/**
 * The stand-in's Twilio Sync: per service, Documents, Maps (with keyed items) and Lists (with
 * indexed items), with Twilio's rules — revisions and If-Match, unique names, the 16 KiB data
 * limit, time-to-live — and the error codes Twilio documents for each object type.
 *
 * Every change is told to `onChange` (documents and map items), which feeds the local push
 * channel. Expired objects are removed when noticed: on any access to their service, and when
 * `sweepExpired()` is called (the push channel does so periodically while someone listens).
 *
 * Services have Twilio's `acl_enabled`: the `default` service (Flex's own) has it off; one
 * created with `AclEnabled=true` lets a token's identity reach only the objects whose
 * permissions (per object, per identity: read, write, manage) grant it (see syncAccess.ts).
 */
import { cryptoRandomness, newSid, TwilioApiError, type Randomness } from './primitives';

/** Largest Sync data Twilio accepts for a document or an item, in bytes of its JSON. */
export const SYNC_DATA_MAX_BYTES = 16384;
/** Map item keys and unique names: Twilio's specs allow up to 320 characters. */
const MAX_NAME_LENGTH = 320;
/** A unique name may not look like a sid (Twilio error 54302). */
const SID_LIKE = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

export type SyncData = Record<string, unknown>;

/** An identity's permission on one document, map or list (Twilio's Permissions resources). */
export interface SyncPermission {
  read: boolean;
  write: boolean;
  manage: boolean;
}

export type SyncObjectKind = 'document' | 'map' | 'list';

export interface SyncObject {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  /** Answered as a string and as the ETag header; every write increments it. */
  revision: number;
  dateExpires: Date | null;
  dateCreated: Date;
  dateUpdated: Date;
  /** By identity; they go with the object. */
  permissions: Map<string, SyncPermission>;
}

export interface SyncDocument extends SyncObject {
  data: SyncData;
}

export interface SyncItem {
  data: SyncData;
  revision: number;
  dateExpires: Date | null;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface SyncMapItem extends SyncItem {
  key: string;
}

export interface SyncListItem extends SyncItem {
  index: number;
}

export interface SyncMap extends SyncObject {
  items: Map<string, SyncMapItem>;
}

export interface SyncList extends SyncObject {
  items: Map<number, SyncListItem>;
  nextIndex: number;
}

interface SyncService {
  documents: Map<string, SyncDocument>;
  maps: Map<string, SyncMap>;
  lists: Map<string, SyncList>;
}

/** A Sync service's own settings, as `/v1/Services/{IS}` answers them. */
export interface SyncServiceInfo {
  sid: string;
  friendlyName: string | null;
  aclEnabled: boolean;
  dateCreated: Date;
  dateUpdated: Date;
}

/**
 * Who may hear of a change: every token holder (`all`, a service with ACLs off) or the identities
 * the object's permissions let read it, as they were at the change (a removal included).
 */
export type SyncReaders = 'all' | readonly string[];

/** What the push channel hears. `map` is the map's unique name (its sid when it has none). */
export type SyncChange = { serviceSid: string; readers: SyncReaders } & (
  | { type: 'document'; uniqueName: string; revision: string; data: SyncData }
  | { type: 'document_removed'; uniqueName: string }
  | { type: 'map_item'; map: string; key: string; revision: string; data: SyncData }
  | { type: 'map_item_removed'; map: string; key: string }
);
/** A change before the store adds who may read it. */
type Change = SyncChange extends infer C ? (C extends SyncChange ? Omit<C, 'readers'> : never) : never;

/** Document: Ttl. Items: ItemTtl, or its alias Ttl (ignored when both are given); CollectionTtl also sets the parent's. */
export interface SyncWrite {
  data?: SyncData;
  /** Seconds to live; 0 means never expires. */
  ttl?: number;
  collectionTtl?: number;
}

export type ListOrder = 'asc' | 'desc';
export type Bounds = 'inclusive' | 'exclusive';

export interface ItemQuery {
  order?: ListOrder;
  from?: string;
  bounds?: Bounds;
}

/** Which kind of Sync object an error is about, with the codes Twilio documents for it. */
const CODES = {
  document: { notFound: 54100, revisionMismatch: 54103 },
  map: { notFound: 54200 },
  mapItem: { notFound: 54201, revisionMismatch: 54205, exists: 54208, invalidKey: 54209, invalidData: 54206 },
  list: { notFound: 54150 },
  listItem: { notFound: 54151, revisionMismatch: 54155, invalidData: 54156 },
} as const;

export class SyncStore {
  readonly defaultServiceSid: string;
  onChange?: (change: SyncChange) => void;
  private services = new Map<string, SyncService>();
  /** Services made with `POST /v1/Services` (and the default one): they outlive `reset()`, emptied. */
  private readonly infos = new Map<string, SyncServiceInfo>();

  constructor(
    private readonly now: () => Date,
    private readonly randomness: Randomness = cryptoRandomness,
  ) {
    this.defaultServiceSid = newSid('IS', randomness);
    const at = now();
    // Flex's own service, as Twilio ships it: ACLs off.
    this.infos.set(this.defaultServiceSid, {
      sid: this.defaultServiceSid,
      friendlyName: 'Default Service',
      aclEnabled: false,
      dateCreated: at,
      dateUpdated: at,
    });
  }

  /**
   * Empties every service, telling each removal (so a page following the push channel empties
   * too). The services themselves stay, as an account's Sync services outlive their data.
   */
  reset(): void {
    for (const service of this.services.values()) {
      for (const document of service.documents.values()) this.tellRemovedDocument(document);
      for (const map of service.maps.values()) this.tellMapRemoved(map);
    }
    this.services.clear();
  }

  /** "default" names the account's default Sync service, as in Twilio. */
  serviceSid(reference: string): string {
    return reference === 'default' ? this.defaultServiceSid : reference;
  }

  // ---------------------------------------------------------------- services

  /** `sid` only for the typed helper (a deployment's service known in advance); Twilio makes its own. */
  createService(friendlyName: string | undefined, aclEnabled: boolean, sid?: string): SyncServiceInfo {
    if (sid !== undefined && (!/^IS[0-9a-f]{32}$/.test(sid) || this.infos.has(sid))) throw new TwilioApiError(400, 20001, `Invalid service sid: ${sid}`);
    const at = this.now();
    const info: SyncServiceInfo = {
      sid: sid ?? newSid('IS', this.randomness),
      friendlyName: friendlyName ?? null,
      aclEnabled,
      dateCreated: at,
      dateUpdated: at,
    };
    this.infos.set(info.sid, info);
    return info;
  }

  /** 404 20404 for a service this account does not have. */
  fetchService(reference: string): SyncServiceInfo {
    const info = this.infos.get(this.serviceSid(reference));
    if (!info) throw new TwilioApiError(404, 20404, `The requested resource /Services/${reference} was not found`);
    return info;
  }

  /** The service's settings, if it was made (the default one always is). */
  serviceInfo(reference: string): SyncServiceInfo | undefined {
    return this.infos.get(this.serviceSid(reference));
  }

  // ---------------------------------------------------------------- permissions

  /** The document, map or list named by sid or unique name; 404 with the kind's code when absent. */
  fetchObject(serviceReference: string, kind: SyncObjectKind, reference: string): SyncObject {
    if (kind === 'document') return this.fetchDocument(serviceReference, reference);
    if (kind === 'map') return this.fetchMap(serviceReference, reference);
    return this.fetchList(serviceReference, reference);
  }

  /** The sid of the document, map or list named by sid or unique name; undefined when it does not exist. */
  objectSid(serviceReference: string, kind: SyncObjectKind, reference: string): string | undefined {
    return findObject(this.objectsOf(serviceReference, kind), reference)?.sid;
  }

  /** What `identity` may do with the object; undefined when it does not exist. */
  permissionOf(serviceReference: string, kind: SyncObjectKind, reference: string, identity: string): SyncPermission | undefined {
    const object = findObject(this.objectsOf(serviceReference, kind), reference);
    if (!object) return undefined;
    return object.permissions.get(identity) ?? { read: false, write: false, manage: false };
  }

  /** 404 54354 when the identity has no permission on the object. */
  fetchPermission(serviceReference: string, kind: SyncObjectKind, reference: string, identity: string): { object: SyncObject; permission: SyncPermission } {
    const object = this.fetchObject(serviceReference, kind, reference);
    const permission = object.permissions.get(identity);
    if (!permission) throw new TwilioApiError(404, 54354, `Permission for ${identity} not found`);
    return { object, permission };
  }

  /** Creates or replaces the identity's permission (Read, Write and Manage are all given). */
  setPermission(
    serviceReference: string,
    kind: SyncObjectKind,
    reference: string,
    identity: string,
    permission: SyncPermission,
  ): { object: SyncObject; permission: SyncPermission } {
    const object = this.fetchObject(serviceReference, kind, reference);
    if (identity.length < 1 || identity.length > MAX_NAME_LENGTH) throw new TwilioApiError(400, 20001, 'Invalid Identity');
    object.permissions.set(identity, { ...permission });
    return { object, permission: { ...permission } };
  }

  deletePermission(serviceReference: string, kind: SyncObjectKind, reference: string, identity: string): void {
    const { object } = this.fetchPermission(serviceReference, kind, reference, identity);
    object.permissions.delete(identity);
  }

  /** Removes whatever has expired in every service, telling the removals. */
  sweepExpired(): void {
    for (const serviceSid of this.services.keys()) this.service(serviceSid);
  }

  // ---------------------------------------------------------------- documents

  listDocuments(serviceReference: string): SyncDocument[] {
    return [...this.service(serviceReference).documents.values()];
  }

  /** By sid (ET…) or unique name; 404 54100 when absent. */
  fetchDocument(serviceReference: string, reference: string): SyncDocument {
    const document = findObject(this.service(serviceReference).documents, reference);
    if (!document) throw new TwilioApiError(404, CODES.document.notFound, `Document ${reference} not found`);
    return document;
  }

  createDocument(serviceReference: string, uniqueName: string | undefined, write: SyncWrite): SyncDocument {
    const service = this.service(serviceReference);
    assertUniqueNameFree(service.documents, uniqueName);
    const data = write.data ?? {};
    assertDataSize(data);
    const document: SyncDocument = { ...this.newObject('ET', serviceReference, uniqueName, write.ttl), data };
    service.documents.set(document.sid, document);
    this.tellDocument(document);
    return document;
  }

  /** `If-Match` must equal the current revision, else 412 54103. */
  updateDocument(serviceReference: string, reference: string, write: SyncWrite, ifMatch?: string): SyncDocument {
    const document = this.fetchDocument(serviceReference, reference);
    assertRevision(document.revision, ifMatch, CODES.document.revisionMismatch, 'Document');
    if (write.data !== undefined) assertDataSize(write.data);
    const now = this.now();
    if (write.data !== undefined) document.data = write.data;
    if (write.ttl !== undefined) document.dateExpires = expiry(now, write.ttl);
    touch(document, now);
    this.tellDocument(document);
    return document;
  }

  deleteDocument(serviceReference: string, reference: string, ifMatch?: string): void {
    const document = this.fetchDocument(serviceReference, reference);
    assertRevision(document.revision, ifMatch, CODES.document.revisionMismatch, 'Document');
    this.service(serviceReference).documents.delete(document.sid);
    this.tellRemovedDocument(document);
  }

  // ---------------------------------------------------------------- maps

  listMaps(serviceReference: string): SyncMap[] {
    return [...this.service(serviceReference).maps.values()];
  }

  /** By sid (MP…) or unique name; 404 54200 when absent. Twilio never creates a map implicitly. */
  fetchMap(serviceReference: string, reference: string): SyncMap {
    const map = findObject(this.service(serviceReference).maps, reference);
    if (!map) throw new TwilioApiError(404, CODES.map.notFound, `Map ${reference} not found`);
    return map;
  }

  createMap(serviceReference: string, uniqueName: string | undefined, ttl: number | undefined): SyncMap {
    const service = this.service(serviceReference);
    assertUniqueNameFree(service.maps, uniqueName);
    const map: SyncMap = { ...this.newObject('MP', serviceReference, uniqueName, ttl), items: new Map() };
    service.maps.set(map.sid, map);
    return map;
  }

  updateMap(serviceReference: string, reference: string, ttl: number | undefined): SyncMap {
    const map = this.fetchMap(serviceReference, reference);
    const now = this.now();
    if (ttl !== undefined) map.dateExpires = expiry(now, ttl);
    touch(map, now);
    return map;
  }

  deleteMap(serviceReference: string, reference: string): void {
    const map = this.fetchMap(serviceReference, reference);
    this.service(serviceReference).maps.delete(map.sid);
    this.tellMapRemoved(map);
  }

  /** Items in key order (lexicographic, as Twilio orders them), from `from` on. */
  listMapItems(serviceReference: string, mapReference: string, query: ItemQuery): SyncMapItem[] {
    const map = this.fetchMap(serviceReference, mapReference);
    const items = [...map.items.values()].sort((a, b) => compareKeys(a.key, b.key));
    return fromBound(items, query, (item) => compareKeys(item.key, query.from as string));
  }

  fetchMapItem(serviceReference: string, mapReference: string, key: string): SyncMapItem {
    const item = this.fetchMap(serviceReference, mapReference).items.get(key);
    if (!item) throw new TwilioApiError(404, CODES.mapItem.notFound, `Map Item ${key} not found`);
    return item;
  }

  /** 404 54200 for a missing map; 409 54208 when the key is taken; 400 54209 for a bad key. */
  createMapItem(serviceReference: string, mapReference: string, key: string | undefined, write: SyncWrite): SyncMapItem {
    const map = this.fetchMap(serviceReference, mapReference);
    if (key === undefined || key.length < 1 || key.length > MAX_NAME_LENGTH) {
      throw new TwilioApiError(400, CODES.mapItem.invalidKey, `Map Item key must be 1–${MAX_NAME_LENGTH} characters`);
    }
    if (write.data === undefined) throw new TwilioApiError(400, CODES.mapItem.invalidData, "The 'Data' parameter cannot be null");
    if (map.items.has(key)) throw new TwilioApiError(409, CODES.mapItem.exists, `Map Item ${key} already exists`);
    assertDataSize(write.data);
    const now = this.now();
    const item: SyncMapItem = { key, data: write.data, revision: 0, dateExpires: expiry(now, write.ttl), dateCreated: now, dateUpdated: now };
    map.items.set(key, item);
    this.afterItemWrite(map, write, now);
    this.tellMapItem(map, item);
    return item;
  }

  /** `If-Match` must equal the item's revision, else 412 54205. */
  updateMapItem(serviceReference: string, mapReference: string, key: string, write: SyncWrite, ifMatch?: string): SyncMapItem {
    const map = this.fetchMap(serviceReference, mapReference);
    const item = this.fetchMapItem(serviceReference, mapReference, key);
    assertRevision(item.revision, ifMatch, CODES.mapItem.revisionMismatch, 'Map Item');
    this.writeItem(item, write);
    this.afterItemWrite(map, write, item.dateUpdated);
    this.tellMapItem(map, item);
    return item;
  }

  deleteMapItem(serviceReference: string, mapReference: string, key: string, ifMatch?: string): void {
    const map = this.fetchMap(serviceReference, mapReference);
    const item = this.fetchMapItem(serviceReference, mapReference, key);
    assertRevision(item.revision, ifMatch, CODES.mapItem.revisionMismatch, 'Map Item');
    map.items.delete(key);
    touch(map, this.now());
    this.tell(map, { type: 'map_item_removed', serviceSid: map.serviceSid, map: nameOf(map), key });
  }

  // ---------------------------------------------------------------- lists

  listLists(serviceReference: string): SyncList[] {
    return [...this.service(serviceReference).lists.values()];
  }

  /** By sid (ES…) or unique name; 404 54150 when absent. */
  fetchList(serviceReference: string, reference: string): SyncList {
    const list = findObject(this.service(serviceReference).lists, reference);
    if (!list) throw new TwilioApiError(404, CODES.list.notFound, `List ${reference} not found`);
    return list;
  }

  createList(serviceReference: string, uniqueName: string | undefined, ttl: number | undefined): SyncList {
    const service = this.service(serviceReference);
    assertUniqueNameFree(service.lists, uniqueName);
    const list: SyncList = { ...this.newObject('ES', serviceReference, uniqueName, ttl), items: new Map(), nextIndex: 0 };
    service.lists.set(list.sid, list);
    return list;
  }

  updateList(serviceReference: string, reference: string, ttl: number | undefined): SyncList {
    const list = this.fetchList(serviceReference, reference);
    const now = this.now();
    if (ttl !== undefined) list.dateExpires = expiry(now, ttl);
    touch(list, now);
    return list;
  }

  deleteList(serviceReference: string, reference: string): void {
    const list = this.fetchList(serviceReference, reference);
    this.service(serviceReference).lists.delete(list.sid);
  }

  /** Items in index order, from index `from` on. */
  listListItems(serviceReference: string, listReference: string, query: ItemQuery): SyncListItem[] {
    const list = this.fetchList(serviceReference, listReference);
    if (query.from !== undefined && !/^\d+$/.test(query.from)) throw new TwilioApiError(400, 20001, `Invalid From: ${query.from}`);
    const items = [...list.items.values()].sort((a, b) => a.index - b.index);
    return fromBound(items, query, (item) => item.index - Number(query.from));
  }

  fetchListItem(serviceReference: string, listReference: string, index: string): SyncListItem {
    const list = this.fetchList(serviceReference, listReference);
    const item = /^\d+$/.test(index) ? list.items.get(Number(index)) : undefined;
    if (!item) throw new TwilioApiError(404, CODES.listItem.notFound, `List Item ${index} not found`);
    return item;
  }

  /** Appends at the next index; indexes are never reused. */
  createListItem(serviceReference: string, listReference: string, write: SyncWrite): SyncListItem {
    const list = this.fetchList(serviceReference, listReference);
    if (write.data === undefined) throw new TwilioApiError(400, CODES.listItem.invalidData, "The 'Data' parameter cannot be null");
    assertDataSize(write.data);
    const now = this.now();
    const item: SyncListItem = {
      index: list.nextIndex,
      data: write.data,
      revision: 0,
      dateExpires: expiry(now, write.ttl),
      dateCreated: now,
      dateUpdated: now,
    };
    list.nextIndex += 1;
    list.items.set(item.index, item);
    this.afterItemWrite(list, write, now);
    return item;
  }

  /** `If-Match` must equal the item's revision, else 412 54155. */
  updateListItem(serviceReference: string, listReference: string, index: string, write: SyncWrite, ifMatch?: string): SyncListItem {
    const list = this.fetchList(serviceReference, listReference);
    const item = this.fetchListItem(serviceReference, listReference, index);
    assertRevision(item.revision, ifMatch, CODES.listItem.revisionMismatch, 'List Item');
    this.writeItem(item, write);
    this.afterItemWrite(list, write, item.dateUpdated);
    return item;
  }

  deleteListItem(serviceReference: string, listReference: string, index: string, ifMatch?: string): void {
    const list = this.fetchList(serviceReference, listReference);
    const item = this.fetchListItem(serviceReference, listReference, index);
    assertRevision(item.revision, ifMatch, CODES.listItem.revisionMismatch, 'List Item');
    list.items.delete(item.index);
    touch(list, this.now());
  }

  // ---------------------------------------------------------------- plumbing

  private objectsOf(serviceReference: string, kind: SyncObjectKind): Map<string, SyncObject> {
    return this.service(serviceReference)[kind === 'document' ? 'documents' : kind === 'map' ? 'maps' : 'lists'];
  }

  /** The service's objects, with whatever has expired removed (and told) first. */
  private service(reference: string): SyncService {
    const serviceSid = this.serviceSid(reference);
    let service = this.services.get(serviceSid);
    if (!service) {
      service = { documents: new Map(), maps: new Map(), lists: new Map() };
      this.services.set(serviceSid, service);
    }
    this.removeExpired(service, this.now().getTime());
    return service;
  }

  private removeExpired(service: SyncService, now: number): void {
    const expired = (thing: { dateExpires: Date | null }) => thing.dateExpires !== null && thing.dateExpires.getTime() <= now;
    for (const document of service.documents.values()) {
      if (!expired(document)) continue;
      service.documents.delete(document.sid);
      this.tellRemovedDocument(document);
    }
    for (const map of service.maps.values()) {
      if (expired(map)) {
        service.maps.delete(map.sid);
        this.tellMapRemoved(map);
        continue;
      }
      for (const item of map.items.values()) {
        if (!expired(item)) continue;
        map.items.delete(item.key);
        this.tell(map, { type: 'map_item_removed', serviceSid: map.serviceSid, map: nameOf(map), key: item.key });
      }
    }
    for (const list of service.lists.values()) {
      if (expired(list)) {
        service.lists.delete(list.sid);
        continue;
      }
      for (const item of list.items.values()) if (expired(item)) list.items.delete(item.index);
    }
  }

  private newObject(prefix: string, serviceReference: string, uniqueName: string | undefined, ttl: number | undefined): SyncObject {
    const now = this.now();
    return {
      sid: newSid(prefix, this.randomness),
      serviceSid: this.serviceSid(serviceReference),
      uniqueName: uniqueName ?? null,
      revision: 0,
      dateExpires: expiry(now, ttl),
      dateCreated: now,
      dateUpdated: now,
      permissions: new Map(),
    };
  }

  private writeItem(item: SyncItem, write: SyncWrite): void {
    if (write.data !== undefined) assertDataSize(write.data);
    const now = this.now();
    if (write.data !== undefined) item.data = write.data;
    if (write.ttl !== undefined) item.dateExpires = expiry(now, write.ttl);
    touch(item, now);
  }

  /** An item write changes its collection's revision, and CollectionTtl resets the collection's expiry. */
  private afterItemWrite(collection: SyncObject, write: SyncWrite, now: Date): void {
    if (write.collectionTtl !== undefined) collection.dateExpires = expiry(now, write.collectionTtl);
    touch(collection, now);
  }

  private tellDocument(document: SyncDocument): void {
    this.tell(document, {
      type: 'document',
      serviceSid: document.serviceSid,
      uniqueName: nameOf(document),
      revision: String(document.revision),
      data: document.data,
    });
  }

  private tellRemovedDocument(document: SyncDocument): void {
    this.tell(document, { type: 'document_removed', serviceSid: document.serviceSid, uniqueName: nameOf(document) });
  }

  private tellMapItem(map: SyncMap, item: SyncMapItem): void {
    this.tell(map, { type: 'map_item', serviceSid: map.serviceSid, map: nameOf(map), key: item.key, revision: String(item.revision), data: item.data });
  }

  private tellMapRemoved(map: SyncMap): void {
    for (const key of map.items.keys()) this.tell(map, { type: 'map_item_removed', serviceSid: map.serviceSid, map: nameOf(map), key });
  }

  /** Tells the change with who may read the object now (before a removal takes its permissions away). */
  private tell(object: SyncObject, change: Change): void {
    if (!this.onChange) return;
    const readers: SyncReaders = this.infos.get(object.serviceSid)?.aclEnabled
      ? [...object.permissions].filter(([, permission]) => permission.read).map(([identity]) => identity)
      : 'all';
    this.onChange({ ...change, readers } as SyncChange);
  }
}

function findObject<T extends SyncObject>(objects: Map<string, T>, reference: string): T | undefined {
  return objects.get(reference) ?? [...objects.values()].find((candidate) => candidate.uniqueName === reference);
}

/** Unique names are unique among a service's objects of one kind (409 54301). */
function assertUniqueNameFree(objects: Map<string, SyncObject>, uniqueName: string | undefined): void {
  if (uniqueName === undefined) return;
  if (uniqueName.length < 1 || uniqueName.length > MAX_NAME_LENGTH || SID_LIKE.test(uniqueName)) {
    throw new TwilioApiError(400, 54302, `Invalid unique name: must be 1–${MAX_NAME_LENGTH} characters and not look like a sid`);
  }
  if ([...objects.values()].some((object) => object.uniqueName === uniqueName))
    throw new TwilioApiError(409, 54301, `Unique name already exists: ${uniqueName}`);
}

function nameOf(object: SyncObject): string {
  return object.uniqueName ?? object.sid;
}

function touch(thing: { revision: number; dateUpdated: Date }, now: Date): void {
  thing.revision += 1;
  thing.dateUpdated = now;
}

/** Code points in order, as Twilio orders map items lexicographically by key. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Items (sorted ascending) in the asked order, starting at `from` (inclusive by default).
 * `compareToFrom(item)` is negative, zero or positive as the item sorts before, at or after `from`.
 */
function fromBound<T>(ascending: T[], query: ItemQuery, compareToFrom: (item: T) => number): T[] {
  const ordered = query.order === 'desc' ? ascending.reverse() : ascending;
  if (query.from === undefined) return ordered;
  const direction = query.order === 'desc' ? -1 : 1;
  const exclusive = query.bounds === 'exclusive';
  return ordered.filter((item) => {
    const position = compareToFrom(item) * direction;
    return exclusive ? position > 0 : position >= 0;
  });
}

/**
 * A bare revision (or a quoted entity tag) that must equal the current one. A stale one is 412
 * with the object type's "revision mismatch" code; one that is no revision at all is 400 54003.
 */
function assertRevision(revision: number, ifMatch: string | undefined, mismatchCode: number, what: string): void {
  if (ifMatch === undefined) return;
  if (!/^\d+$/.test(ifMatch)) throw new TwilioApiError(400, 54003, 'The If-Match header is not a valid revision');
  if (ifMatch !== String(revision)) throw new TwilioApiError(412, mismatchCode, `The revision of the ${what} does not match the expected revision`);
}

function assertDataSize(data: SyncData): void {
  if (Buffer.byteLength(JSON.stringify(data), 'utf8') > SYNC_DATA_MAX_BYTES) {
    throw new TwilioApiError(400, 54006, `Data is too large (maximum ${SYNC_DATA_MAX_BYTES} bytes)`);
  }
}

function expiry(now: Date, ttlSeconds: number | undefined): Date | null {
  return ttlSeconds ? new Date(now.getTime() + ttlSeconds * 1000) : null;
}
