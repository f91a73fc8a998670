import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Catalog, CNI_TYPES, GATEWAY_API_TYPES, storageOf, type CniCrds, type ResourceType } from './kubeApi/catalog';
import { parseLabelSelector, type LabelPredicate } from './kubeApi/labelSelector';
import { listPage, writeList } from './kubeApi/listing';
import { RequestFaults } from './kubeApi/faults';
import { ObjectStore, type EventType } from './kubeApi/objectStore';
import { PortForwardEndpoint, portForwardRoute, type ForwardTarget } from './kubeApi/portForward';
import { parseApiPath, type ApiPath } from './kubeApi/requestPath';
import { fullObject, fullObjectJson, type RawObject, type StoredObject } from './kubeApi/storedObject';
import { WatchStream, writeWatchError, type WatchEvent } from './kubeApi/watchStream';
import { badRequest, forbidden, methodNotAllowed, notFound, sendJson, sendJsonText, sendPlainNotFound, sendPlainText, sendStatus, status, unauthorized } from './kubeApi/wire';

/**
 * A Kubernetes API server test double over real HTTPS: discovery, LIST with paging, WATCH with
 * replay, bookmarks, 410s and timeouts, x509 and bearer-token authentication, RBAC denials. It
 * answers with the bytes a real kube-apiserver sends (see the captured kube-api-wire samples),
 * but it is read-only over the wire: writes come from the test, through apply() and delete().
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  user?: string;
  status: number;
  /** get|list|watch|create|update|patch|delete|deletecollection */
  verb: string;
  group?: string;
  resource?: string;
  namespace?: string;
  /** A list: the resourceVersion it was served at (every page of one list carries the same). */
  listResourceVersion?: number;
  /** A watch that ended at once with an ERROR line: its code (410 for a too-old resourceVersion). */
  watchError?: number;
}

/** One write the server made, as a test's record of the truth. */
export interface ServerChange {
  type: EventType;
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion: number;
}

export interface KubeApiServerDoubleOptions {
  /** Server cert/key, and the CA that signs client certificates. */
  tls: { cert: string; key: string; clientCa: string };
  /** Bearer token -> user name. */
  tokens?: Record<string, string>;
  /** Default 1000; BOOKMARKs are sent only when the watch asks (allowWatchBookmarks=true). */
  bookmarkIntervalMs?: number;
  /** Gateway API CRDs installed from the start (default false): GatewayClass, Gateway, routes, ReferenceGrant. */
  gatewayApi?: boolean;
  /** CNI CRDs installed from the start, e.g. `['cilium', 'calico']` (default none); see installCrds(). */
  crds?: readonly CniCrds[];
  /** gitVersion, default 'v1.31.0'. */
  version?: string;
}

const isWatchQuery = (query: Record<string, string>) => query.watch === '1' || query.watch === 'true';

function verbOf(method: string, route: ApiPath, query: Record<string, string>): string {
  const named = route.kind !== 'resource' || route.name !== undefined;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (route.kind !== 'resource') return 'get';
      return isWatchQuery(query) ? 'watch' : named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function versionInfo(gitVersion: string) {
  const [, major = '1', minor = '31'] = /^v(\d+)\.(\d+)/.exec(gitVersion) ?? [];
  const gitCommit = createHash('sha1').update(gitVersion).digest('hex');
  return { major, minor, gitVersion, gitCommit, gitTreeState: 'clean', buildDate: '2024-08-13T07:28:49Z', goVersion: 'go1.22.5', compiler: 'gc', platform: 'linux/amd64' };
}

/** Real servers pick a random watch timeout; the double picks 5–10 minutes. */
const defaultWatchTimeoutMs = () => (300 + Math.random() * 300) * 1000;

export class KubeApiServerDouble {
  readonly requests: RecordedRequest[] = [];
  /** Scripted faults (latency, hangs, resets, a black hole) and the in-flight figures. */
  readonly faults = new RequestFaults();
  private readonly catalog = new Catalog();
  private readonly store = new ObjectStore();
  private readonly forbidden = new Set<string>();
  private readonly watches = new Set<WatchStream>();
  private readonly tokens: Record<string, string>;
  private readonly bookmarkIntervalMs: number;
  private readonly gitVersion: string;
  private port = 0;

  /** The TCP listener in front of the HTTPS server: it hands connections on, or holds them (faults). */
  private listener?: TcpServer;

  private constructor(
    private readonly server: Server,
    options: KubeApiServerDoubleOptions,
  ) {
    this.tokens = options.tokens ?? {};
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 1000;
    this.gitVersion = options.version ?? 'v1.31.0';
    if (options.gatewayApi) this.catalog.installGatewayApi();
    for (const cni of options.crds ?? []) this.catalog.installCrds(cni);
  }

  static async start(options: KubeApiServerDoubleOptions): Promise<KubeApiServerDouble> {
    // Client certs are verified but not required (a bad one means 401, not a failed handshake), as kube-apiserver does.
    const server = createServer({ cert: options.tls.cert, key: options.tls.key, ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: false });
    const double = new KubeApiServerDouble(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => double.handle(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => double.upgrade(req, socket, head));
    await double.listen(0);
    return double;
  }

  /**
   * Listens on `port` (0: any). Every TCP socket is kept, handshaking ones included, so that
   * stopping never waits on a client's reconnect; the black-hole fault holds sockets instead of
   * handing them to TLS.
   */
  private async listen(port: number): Promise<void> {
    const listener = createTcpServer((socket: Socket) => {
      if (this.faults.acceptButNeverAnswer) return this.faults.hold(socket);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      this.server.emit('connection', socket);
    });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, '127.0.0.1', () => resolve());
    });
    this.listener = listener;
    this.port = (listener.address() as AddressInfo).port;
  }

  /**
   * The API server process goes away: the port refuses connections and every open connection
   * (watches included) breaks. The objects stay, as etcd keeps them; `resume()` brings it back.
   */
  async stop(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.dropWatches();
    this.portForward.disconnect();
    this.faults.dispose();
    for (const socket of this.sockets) socket.destroy();
    if (listener) await new Promise<void>((resolve) => listener.close(() => resolve()));
  }

  /** Listens again on the same port, with the same objects and history (nothing compacted). */
  async resume(): Promise<void> {
    if (!this.listener) await this.listen(this.port);
  }

  /** stop() then resume(): an API server restart. */
  async restart(): Promise<void> {
    await this.stop();
    await this.resume();
  }

  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** Open watch streams, of one resource (plural) or of all. */
  openWatches(resource?: string): number {
    return [...this.watches].filter((watch) => resource === undefined || watch.resource === resource).length;
  }

  /** Every object's resourceVersion, by `Kind/namespace/name` (`Kind/name` cluster-scoped). */
  objectVersions(): Map<string, number> {
    const versions = new Map<string, number>();
    for (const type of this.store.types()) {
      for (const object of this.store.objects(type)) versions.set(`${type.kind}/${object.key}`, object.resourceVersion);
    }
    return versions;
  }

  /** From now on, every write the server makes is appended to the returned log; call the function to stop. */
  logChanges(): { changes: ServerChange[]; stop: () => void } {
    const changes: ServerChange[] = [];
    const stop = this.store.subscribeAll(({ type, resource, object }) => {
      changes.push({ type, kind: resource.kind, ...(object.namespace === undefined ? {} : { namespace: object.namespace }), name: object.name, resourceVersion: object.resourceVersion });
    });
    return { changes, stop };
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get resourceVersion(): number {
    return this.store.resourceVersion;
  }

  /** Creates or replaces an object; its apiVersion picks between kinds of one name (Calico's NetworkPolicy, Kubernetes'). */
  apply(object: Record<string, unknown>): Record<string, unknown> {
    const type = this.typeOf(object);
    return fullObject(type, this.store.put(storageOf(type), object));
  }

  applyAll(objects: Iterable<Record<string, unknown>>): void {
    for (const object of objects) this.store.put(storageOf(this.typeOf(object)), object, true);
  }

  /** Deletes an object; `apiVersion` is needed only where kinds share a name (`crd.projectcalico.org/v1` NetworkPolicy). */
  delete(kind: string, namespace: string | undefined, name: string, apiVersion?: string): void {
    const type = storageOf(this.typeOf({ kind, apiVersion }));
    if (!this.store.remove(type, namespace, name)) throw new Error(`KubeApiServerDouble.delete: no ${kind} ${namespace ? `${namespace}/` : ''}${name}`);
  }

  get(kind: string, namespace: string | undefined, name: string, apiVersion?: string): Record<string, unknown> | undefined {
    const type = this.typeOf({ kind, apiVersion });
    const object = this.store.get(storageOf(type), namespace, name);
    return object && fullObject(type, object);
  }

  installGatewayApi(): void {
    this.catalog.installGatewayApi();
  }

  /** Installs a CNI's CRDs (its policy kinds among them), as `helm install cilium` or the Calico operator would. */
  installCrds(...cnis: CniCrds[]): void {
    for (const cni of cnis) this.catalog.installCrds(cni);
  }

  /** Installs the AdminNetworkPolicy and BaselineAdminNetworkPolicy CRDs. */
  installNetworkPolicyApi(): void {
    this.catalog.installNetworkPolicyApi();
  }

  forbid(user: string, resource: string, group: string): void {
    this.forbidden.add(JSON.stringify([user, resource, group]));
  }

  compact(): void {
    this.store.compact();
  }

  /** The highest resourceVersion a BOOKMARK has carried on an open watch of a resource (plural), or 0. */
  bookmarkedRv(resource: string): number {
    let rv = 0;
    for (const watch of this.watches) if (watch.resource === resource) rv = Math.max(rv, watch.bookmarkedRv);
    return rv;
  }

  /** Breaks every open watch mid-stream; returns how many there were. */
  dropWatches(): number {
    const open = [...this.watches];
    for (const watch of open) watch.drop();
    return open.length;
  }

  private readonly sockets = new Set<Socket>();
  private readonly forwards = new Map<string, ForwardTarget>();
  private readonly portForward = new PortForwardEndpoint();

  /** Port-forwards to `namespace/pod` (pods/portforward) reach `target` on this machine. */
  forwardPod(namespace: string, pod: string, target: ForwardTarget): void {
    this.forwards.set(`${namespace}/${pod}`, target);
  }

  /** pods/portforward, the one WebSocket route: authenticated, authorised (verb create) and recorded like the rest. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const route = portForwardRoute(url.pathname);
    const user = this.authenticate(req);
    const reject = (code: number, text: string) => socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), ...(user === undefined ? {} : { user }), status: 101, verb: 'create', group: '', resource: 'pods/portforward', ...(route ? { namespace: route.namespace } : {}) };
    this.requests.push(record);
    if (!route) return void ((record.status = 404), reject(404, 'Not Found'));
    if (user === undefined) return void ((record.status = 401), reject(401, 'Unauthorized'));
    if (this.forbidden.has(JSON.stringify([user, 'pods/portforward', '']))) return void ((record.status = 403), reject(403, 'Forbidden'));
    const target = this.forwards.get(`${route.namespace}/${route.pod}`);
    const port = Number(url.searchParams.get('ports'));
    if (!target || !Number.isInteger(port)) return void ((record.status = 404), reject(404, 'Not Found'));
    this.portForward.upgrade(req, socket, head, target, port);
  }

  async close(): Promise<void> {
    await this.stop();
    this.portForward.close();
    this.server.closeAllConnections();
  }

  private typeOf(object: RawObject): ResourceType {
    const { kind, apiVersion } = object;
    if (typeof kind !== 'string') throw new Error('KubeApiServerDouble: an object needs a kind');
    const type = this.catalog.byKind(kind, typeof apiVersion === 'string' ? apiVersion : undefined);
    if (type) return type;
    const gatewayKind = GATEWAY_API_TYPES.some((gatewayType) => gatewayType.kind === kind);
    const group = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const cni = (Object.keys(CNI_TYPES) as CniCrds[]).find((name) => CNI_TYPES[name].some((cniType) => cniType.group === group && cniType.kind === kind));
    const hint = gatewayKind ? '; call installGatewayApi() first' : cni ? `; call installCrds('${cni}') first` : '';
    throw new Error(`KubeApiServerDouble does not serve ${kind}${typeof apiVersion === 'string' ? ` (${apiVersion})` : ''}${hint}`);
  }

  /** x509 first, then bearer tokens, as the real authenticator chain orders them. */
  private authenticate(req: IncomingMessage): string | undefined {
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const commonName = socket.getPeerCertificate().subject?.CN;
      if (typeof commonName === 'string' && commonName) return commonName;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return bearer ? this.tokens[bearer[1]] : undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const route = parseApiPath(url.pathname, this.catalog);
    const user = this.authenticate(req);
    const record: RecordedRequest = {
      method, path: url.pathname, query, ...(user === undefined ? {} : { user }), status: 0, verb: verbOf(method, route, query),
      ...(route.kind === 'resource' ? { group: route.type.group, resource: route.type.plural, ...(route.namespace === undefined ? {} : { namespace: route.namespace }) } : {}),
    };
    this.requests.push(record);
    req.resume(); // a body (on a write) is never read; drain it so the connection stays usable
    const answered = this.faults.track(res);
    const fault = this.faults.decide({ verb: record.verb, path: record.path, query, ...(record.resource === undefined ? {} : { resource: record.resource }) });
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'reset') return void req.socket.destroy();
    const answer = () => {
      answered();
      // Every path writes its status line synchronously, so it can be recorded right here.
      this.respond(req, res, method, route, user, record, query);
      record.status = res.statusCode;
    };
    if (fault?.kind === 'delay' && fault.ms > 0) this.faults.later(res, fault.ms, answer);
    else answer();
  }

  private respond(req: IncomingMessage, res: ServerResponse, method: string, route: ApiPath, user: string | undefined, record: RecordedRequest, query: Record<string, string>): void {
    if (route.kind === 'version') return sendJson(res, 200, versionInfo(this.gitVersion));
    if (route.kind === 'health') return sendPlainText(res, 200, 'ok');
    if (user === undefined) return sendStatus(res, unauthorized());
    if (route.kind === 'notFound') return sendPlainNotFound(res);
    if (route.kind !== 'resource') {
      if (method !== 'GET') return sendStatus(res, methodNotAllowed());
      if (route.kind === 'apiVersions') return sendJson(res, 200, this.catalog.apiVersions(`127.0.0.1:${this.port}`));
      if (route.kind === 'groupList') return sendJson(res, 200, this.catalog.groupList());
      if (route.kind === 'group') return sendJson(res, 200, this.catalog.groupDocument(route.group));
      return sendJson(res, 200, this.catalog.resourceList(route.group, route.version));
    }
    this.serveResource(req, res, user, record, route, query);
  }

  private serveResource(req: IncomingMessage, res: ServerResponse, user: string, record: RecordedRequest, route: Extract<ApiPath, { kind: 'resource' }>, query: Record<string, string>): void {
    const { type, namespace, name } = route;
    const verb = record.verb;
    // A version served but not stored shows the stored version's objects, under its own apiVersion.
    const stored = storageOf(type);
    const reading = verb === 'get' || verb === 'list' || verb === 'watch';
    if (reading && this.forbidden.has(JSON.stringify([user, type.plural, type.group]))) {
      return sendStatus(res, forbidden({ user, verb, plural: type.plural, group: type.group, namespace, name }));
    }
    if (!reading || req.method !== 'GET') return sendStatus(res, methodNotAllowed());

    let selector: LabelPredicate | undefined;
    try {
      selector = query.labelSelector ? parseLabelSelector(query.labelSelector) : undefined;
    } catch (error) {
      return sendStatus(res, badRequest((error as Error).message));
    }

    if (verb === 'get') {
      const object = this.store.get(stored, namespace, name ?? '');
      return object ? sendJsonText(res, 200, fullObjectJson(type, object)) : sendStatus(res, notFound(type.plural, type.group, name ?? ''));
    }
    if (verb === 'list') {
      const limit = query.limit ? Number.parseInt(query.limit, 10) : undefined;
      const page = listPage(this.store, { type: stored, namespace, limit, continueToken: query.continue, selector });
      if ('kind' in page) return sendStatus(res, page);
      record.listResourceVersion = page.listRv;
      return writeList(res, type, page);
    }
    this.serveWatch(res, type, namespace, name, selector, query, record);
  }

  private serveWatch(res: ServerResponse, type: ResourceType, namespace: string | undefined, name: string | undefined, selector: LabelPredicate | undefined, query: Record<string, string>, record: RecordedRequest): void {
    const wanted = (object: StoredObject) => (namespace === undefined || object.namespace === namespace) && (name === undefined || object.name === name) && (!selector || selector(object.labels));
    const fromRv = query.resourceVersion ?? '';
    let catchUp: WatchEvent[];
    if (fromRv === '' || fromRv === '0') {
      // "Get state and start at most recent": a synthetic ADDED for every current object.
      const page = listPage(this.store, { type: storageOf(type), namespace, selector });
      catchUp = ('items' in page ? page.items : []).filter(wanted).map((object) => ({ type: 'ADDED', object }));
    } else {
      const rv = Number(fromRv);
      if (!Number.isSafeInteger(rv) || rv < 0) return sendStatus(res, badRequest(`invalid resource version: ${JSON.stringify(fromRv)}`));
      const oldest = this.store.oldestRv;
      if (rv < oldest) {
        record.watchError = 410;
        return writeWatchError(res, status(410, 'Expired', `too old resource version: ${rv} (${oldest})`));
      }
      catchUp = this.store.eventsAfter(storageOf(type), rv, namespace).filter((event) => wanted(event.object));
    }

    const timeoutSeconds = Number(query.timeoutSeconds);
    // Subscribing right after the catch-up was taken, in the same tick, so no event falls between.
    const stream = new WatchStream(res, catchUp, {
      type,
      bookmarkIntervalMs: query.allowWatchBookmarks === 'true' ? this.bookmarkIntervalMs : null,
      timeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : defaultWatchTimeoutMs(),
      currentRv: () => this.store.resourceVersion,
      onClosed: () => {
        unsubscribe();
        this.watches.delete(stream);
      },
    });
    const unsubscribe = this.store.subscribe(storageOf(type), (event) => {
      if (wanted(event.object)) stream.push(event);
    });
    this.watches.add(stream);
  }
}
