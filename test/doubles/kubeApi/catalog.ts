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
  /**
   * A custom resource (Gateway API, CNI policies): served as unstructured JSON, so every list item
   * carries its own apiVersion and kind, and object keys come out in Go's map order (sorted).
   */
  crd?: boolean;
  /** For a version served but not stored: the type of the stored version, whose objects this one shows. */
  storage?: ResourceType;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

const builtIn = (group: string, plural: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group, version: 'v1', plural, kind, namespaced, singularName: '', hasStatus: false, ...extra,
});

/** A custom resource: its singular is always named, and its objects are served as unstructured JSON (see `crd`). */
const custom = (group: string, version: string, plural: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group, version, plural, kind, namespaced, singularName: kind.toLowerCase(), hasStatus: false, crd: true, ...extra,
});

/** The same stored resource served at another version of its CRD (`versions[].served: true, storage: false`). */
const servedAlso = (type: ResourceType, version: string): ResourceType => ({ ...type, version, storage: type });

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

const gatewayKind = (version: string, plural: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}) =>
  custom(GATEWAY_GROUP, version, plural, kind, namespaced, { categories: ['gateway-api'], hasStatus: true, ...extra });
const gatewayClasses = gatewayKind('v1', 'gatewayclasses', 'GatewayClass', false, { shortNames: ['gc'] });
const gateways = gatewayKind('v1', 'gateways', 'Gateway', true, { shortNames: ['gtw'] });
const httpRoutes = gatewayKind('v1', 'httproutes', 'HTTPRoute', true);

/**
 * What the Gateway API CRDs add (standard channel, v1.2): GatewayClass, Gateway, HTTPRoute and
 * GRPCRoute stored at v1, the first three also served at v1beta1, and ReferenceGrant at v1beta1 only.
 */
export const GATEWAY_API_TYPES: readonly ResourceType[] = [
  gatewayClasses,
  gateways,
  gatewayKind('v1', 'grpcroutes', 'GRPCRoute', true),
  httpRoutes,
  servedAlso(gatewayClasses, 'v1beta1'),
  servedAlso(gateways, 'v1beta1'),
  servedAlso(httpRoutes, 'v1beta1'),
  gatewayKind('v1beta1', 'referencegrants', 'ReferenceGrant', true, { shortNames: ['refgrant'], hasStatus: false }),
];

export const NETWORK_POLICY_API_GROUP = 'policy.networking.k8s.io';

/** What the network-policy-api CRDs add: AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha1, cluster-scoped. */
export const NETWORK_POLICY_API_TYPES: readonly ResourceType[] = [
  custom(NETWORK_POLICY_API_GROUP, 'v1alpha1', 'adminnetworkpolicies', 'AdminNetworkPolicy', false, { shortNames: ['anp'], hasStatus: true }),
  custom(NETWORK_POLICY_API_GROUP, 'v1alpha1', 'baselineadminnetworkpolicies', 'BaselineAdminNetworkPolicy', false, { shortNames: ['banp'], hasStatus: true }),
];

/** The CNIs whose CRDs the double can serve: their policy kinds and a few of their other kinds, as discovery lists them. */
export type CniCrds = 'cilium' | 'calico' | 'antrea';

export const CNI_TYPES: Readonly<Record<CniCrds, readonly ResourceType[]>> = {
  // Cilium 1.16: policies, endpoints, identities and nodes at v2; newer kinds at v2alpha1.
  cilium: [
    custom('cilium.io', 'v2', 'ciliumnetworkpolicies', 'CiliumNetworkPolicy', true, { shortNames: ['cnp', 'ciliumnp'], categories: ['cilium', 'ciliumpolicy'], hasStatus: true }),
    custom('cilium.io', 'v2', 'ciliumclusterwidenetworkpolicies', 'CiliumClusterwideNetworkPolicy', false, { shortNames: ['ccnp'], categories: ['cilium', 'ciliumpolicy'], hasStatus: true }),
    custom('cilium.io', 'v2', 'ciliumendpoints', 'CiliumEndpoint', true, { shortNames: ['cep', 'ciliumep'], categories: ['cilium'] }),
    custom('cilium.io', 'v2', 'ciliumidentities', 'CiliumIdentity', false, { shortNames: ['ciliumid'], categories: ['cilium'] }),
    custom('cilium.io', 'v2', 'ciliumnodes', 'CiliumNode', false, { shortNames: ['cn', 'ciliumn'], categories: ['cilium'] }),
    custom('cilium.io', 'v2alpha1', 'ciliumcidrgroups', 'CiliumCIDRGroup', false, { shortNames: ['ccg'], categories: ['cilium'] }),
    custom('cilium.io', 'v2alpha1', 'ciliumloadbalancerippools', 'CiliumLoadBalancerIPPool', false, { shortNames: ['ippools', 'ippool', 'lbippool', 'lbippools'], categories: ['cilium'], hasStatus: true }),
  ],
  // Calico's CRDs (crd.projectcalico.org/v1, no short names, no status subresources). Its NetworkPolicy shares the kind name with Kubernetes'.
  calico: [
    custom('crd.projectcalico.org', 'v1', 'networkpolicies', 'NetworkPolicy', true),
    custom('crd.projectcalico.org', 'v1', 'globalnetworkpolicies', 'GlobalNetworkPolicy', false),
    custom('crd.projectcalico.org', 'v1', 'networksets', 'NetworkSet', true),
    custom('crd.projectcalico.org', 'v1', 'globalnetworksets', 'GlobalNetworkSet', false),
    custom('crd.projectcalico.org', 'v1', 'ippools', 'IPPool', false),
    custom('crd.projectcalico.org', 'v1', 'felixconfigurations', 'FelixConfiguration', false),
  ],
  // Antrea 2.x: the policy kinds at v1beta1 (its NetworkPolicy, too, shares the Kubernetes kind name).
  antrea: [
    custom('crd.antrea.io', 'v1beta1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['annp'], hasStatus: true }),
    custom('crd.antrea.io', 'v1beta1', 'clusternetworkpolicies', 'ClusterNetworkPolicy', false, { shortNames: ['acnp'], hasStatus: true }),
    custom('crd.antrea.io', 'v1beta1', 'tiers', 'Tier', false, { shortNames: ['tr'] }),
    custom('crd.antrea.io', 'v1beta1', 'clustergroups', 'ClusterGroup', false, { shortNames: ['cg'], hasStatus: true }),
    custom('crd.antrea.io', 'v1beta1', 'groups', 'Group', true, { shortNames: ['grp'], hasStatus: true }),
  ],
};

/** The real server's order of built-in groups, by priority; CRD groups come after them, by name. */
const BUILT_IN_GROUP_ORDER = ['apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io'];

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1 > v1alpha1). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [, major = '0', stage = '', minor = '0'] = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v) ?? [];
    return [stage === '' ? 2 : stage === 'beta' ? 1 : 0, Number(major), Number(minor)];
  };
  const [x, y] = [parse(a), parse(b)];
  return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
}

export const apiVersionOf = (type: ResourceType) => (type.group ? `${type.group}/${type.version}` : type.version);

/** The type whose table holds a resource's objects: itself, or the version its CRD stores. */
export const storageOf = (type: ResourceType) => type.storage ?? type;

/** The real algorithm: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>"). */
const storageVersionHash = (type: ResourceType) => createHash('sha256').update(`${type.group}/${type.version}/${type.kind}`).digest().subarray(0, 8).toString('base64');

/** The types being served right now, with lookups by path and by kind. */
export class Catalog {
  private readonly types: ResourceType[] = [...BUILT_IN_TYPES];

  installGatewayApi(): void {
    this.install(GATEWAY_API_TYPES);
  }

  installNetworkPolicyApi(): void {
    this.install(NETWORK_POLICY_API_TYPES);
  }

  installCrds(cni: CniCrds): void {
    this.install(CNI_TYPES[cni]);
  }

  private install(types: readonly ResourceType[]): void {
    if (!this.hasGroup(types[0].group)) this.types.push(...types);
  }

  hasGroup(group: string): boolean {
    return group === '' || this.types.some((type) => type.group === group);
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((type) => type.group === group && type.version === version && type.plural === plural);
  }

  /**
   * By `kind` and `apiVersion` (its version when served, else the stored one); without an
   * apiVersion, the first type of that kind (the built-in NetworkPolicy before Calico's and Antrea's).
   * CRD kinds only once installed.
   */
  byKind(kind: string, apiVersion?: string): ResourceType | undefined {
    const slash = apiVersion?.indexOf('/') ?? -1;
    const group = apiVersion === undefined ? undefined : slash >= 0 ? apiVersion.slice(0, slash) : '';
    const version = apiVersion === undefined ? undefined : apiVersion.slice(slash + 1);
    const candidates = this.types.filter((type) => type.kind === kind && (group === undefined || type.group === group));
    return candidates.find((type) => type.version === version) ?? candidates.find((type) => !type.storage);
  }

  /** `GET /api` */
  apiVersions(serverAddress: string) {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  /** `GET /apis`: built-in groups by priority, then CRD groups (all of the lowest priority) by name. */
  groupList() {
    const custom = [...new Set(this.types.filter((type) => type.crd).map((type) => type.group))].sort();
    const groups = [...BUILT_IN_GROUP_ORDER, ...custom].filter((group) => this.hasGroup(group)).map((group) => this.group(group));
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
        // Every served version of a resource names the same storage version.
        storageVersionHash: storageVersionHash(storageOf(type)),
      };
      const status = { name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: STATUS_VERBS };
      return type.hasStatus ? [main, status] : [main];
    }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const groupVersion = group ? `${group}/${version}` : version;
    // The core list really has no apiVersion field; the group lists do.
    return group ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources } : { kind: 'APIResourceList', groupVersion, resources };
  }

  private group(name: string) {
    const served = [...new Set(this.types.filter((type) => type.group === name).map((type) => type.version))].sort(compareVersions);
    const versions = served.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions, preferredVersion: versions[0] };
  }
}
