import { createHash } from 'node:crypto';

/**
 * The resource types the double serves, and the discovery documents a real server builds from
 * them (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`), field for field.
 */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Built-ins say '' (as the captured v1.24 server does); CRDs always name their singular. */
  singularName: string;
  /** Whether a real server also lists `<plural>/status` in discovery. */
  hasStatus: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

const builtIn = (group: string, plural: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group, version: 'v1', plural, kind, namespaced, singularName: '', hasStatus: false, ...extra,
});

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export const BUILT_IN_TYPES: readonly ResourceType[] = [
  builtIn('', 'namespaces', 'Namespace', false, { shortNames: ['ns'], hasStatus: true }),
  builtIn('', 'nodes', 'Node', false, { shortNames: ['no'], hasStatus: true }),
  builtIn('', 'pods', 'Pod', true, { shortNames: ['po'], categories: ['all'], hasStatus: true }),
  builtIn('', 'services', 'Service', true, { shortNames: ['svc'], categories: ['all'], hasStatus: true }),
  builtIn('', 'endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  builtIn('', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  builtIn('', 'secrets', 'Secret', true),
  builtIn('apps', 'deployments', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'], hasStatus: true }),
  builtIn('apps', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'], hasStatus: true }),
  builtIn('apps', 'statefulsets', 'StatefulSet', true, { shortNames: ['sts'], categories: ['all'], hasStatus: true }),
  builtIn('apps', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'], categories: ['all'], hasStatus: true }),
  builtIn('batch', 'jobs', 'Job', true, { categories: ['all'], hasStatus: true }),
  builtIn('batch', 'cronjobs', 'CronJob', true, { shortNames: ['cj'], categories: ['all'], hasStatus: true }),
  builtIn('discovery.k8s.io', 'endpointslices', 'EndpointSlice', true),
  builtIn('networking.k8s.io', 'ingresses', 'Ingress', true, { shortNames: ['ing'], hasStatus: true }),
  builtIn('networking.k8s.io', 'ingressclasses', 'IngressClass', false),
  builtIn('networking.k8s.io', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
];

/** What the Gateway API CRDs add (standard channel, v1 only). */
export const GATEWAY_API_TYPES: readonly ResourceType[] = [
  builtIn(GATEWAY_GROUP, 'gateways', 'Gateway', true, { singularName: 'gateway', shortNames: ['gtw'], categories: ['gateway-api'], hasStatus: true }),
  builtIn(GATEWAY_GROUP, 'httproutes', 'HTTPRoute', true, { singularName: 'httproute', categories: ['gateway-api'], hasStatus: true }),
  builtIn(GATEWAY_GROUP, 'grpcroutes', 'GRPCRoute', true, { singularName: 'grpcroute', categories: ['gateway-api'], hasStatus: true }),
];

export const NETWORK_POLICY_API_GROUP = 'policy.networking.k8s.io';

/** What the network-policy-api CRDs add: AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha1, cluster-scoped. */
export const NETWORK_POLICY_API_TYPES: readonly ResourceType[] = [
  { group: NETWORK_POLICY_API_GROUP, version: 'v1alpha1', plural: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy', namespaced: false, singularName: 'adminnetworkpolicy', shortNames: ['anp'], hasStatus: true },
  { group: NETWORK_POLICY_API_GROUP, version: 'v1alpha1', plural: 'baselineadminnetworkpolicies', kind: 'BaselineAdminNetworkPolicy', namespaced: false, singularName: 'baselineadminnetworkpolicy', shortNames: ['banp'], hasStatus: true },
];

/** The real server's group order: built-in groups by priority, CRD groups last. */
const GROUP_ORDER = ['apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io', GATEWAY_GROUP, NETWORK_POLICY_API_GROUP];

export const apiVersionOf = (type: ResourceType) => (type.group ? `${type.group}/${type.version}` : type.version);

/** The real algorithm: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>"). */
const storageVersionHash = (type: ResourceType) => createHash('sha256').update(`${type.group}/${type.version}/${type.kind}`).digest().subarray(0, 8).toString('base64');

/** The types being served right now, with lookups by path and by kind. */
export class Catalog {
  private readonly types: ResourceType[] = [...BUILT_IN_TYPES];

  installGatewayApi(): void {
    if (!this.hasGroup(GATEWAY_GROUP)) this.types.push(...GATEWAY_API_TYPES);
  }

  installNetworkPolicyApi(): void {
    if (!this.hasGroup(NETWORK_POLICY_API_GROUP)) this.types.push(...NETWORK_POLICY_API_TYPES);
  }

  hasGroup(group: string): boolean {
    return group === '' || this.types.some((type) => type.group === group);
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((type) => type.group === group && type.version === version && type.plural === plural);
  }

  /** By `kind` (and `apiVersion`'s group when given); Gateway API kinds only once installed. */
  byKind(kind: string, apiVersion?: string): ResourceType | undefined {
    const group = apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : apiVersion === undefined ? undefined : '';
    return this.types.find((type) => type.kind === kind && (group === undefined || type.group === group));
  }

  /** `GET /api` */
  apiVersions(serverAddress: string) {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  /** `GET /apis` */
  groupList() {
    const groups = GROUP_ORDER.filter((group) => this.hasGroup(group)).map((group) => this.group(group));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  /** `GET /apis/<group>` */
  groupDocument(group: string) {
    return { kind: 'APIGroup', apiVersion: 'v1', ...this.group(group) };
  }

  /** `GET /api/v1` or `GET /apis/<group>/<version>`; undefined when that group/version is not served. */
  resourceList(group: string, version: string) {
    const types = this.types.filter((type) => type.group === group && type.version === version);
    if (types.length === 0) return undefined;
    const resources = types.flatMap((type) => {
      const main = {
        name: type.plural, singularName: type.singularName, namespaced: type.namespaced, kind: type.kind, verbs: ALL_VERBS,
        ...(type.shortNames ? { shortNames: type.shortNames } : {}),
        ...(type.categories ? { categories: type.categories } : {}),
        storageVersionHash: storageVersionHash(type),
      };
      const status = { name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: STATUS_VERBS };
      return type.hasStatus ? [main, status] : [main];
    }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const groupVersion = group ? `${group}/${version}` : version;
    // The core list really has no apiVersion field; the group lists do.
    return group ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources } : { kind: 'APIResourceList', groupVersion, resources };
  }

  private group(name: string) {
    const versions = [...new Set(this.types.filter((type) => type.group === name).map((type) => type.version))].map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions, preferredVersion: versions[0] };
  }
}
