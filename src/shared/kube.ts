/**
 * Kubernetes objects as Strata keeps them: stripped on arrival to the fields the picture needs
 * (labels, selectors, ports, addresses, conditions, owner references, specs of routes and policies).
 * Everything else a server sends — managedFields, Secrets' data, env, volumes — is dropped by
 * `stripObject`, so memory stays bounded and nothing sensitive reaches the renderer or a bundle.
 */

export interface OwnerRef {
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  ownerReferences?: OwnerRef[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: Protocol;
  hostPort?: number;
  hostIP?: string;
}

/** Where a readiness, liveness or startup probe connects: a port number or the name of a container port. */
export interface ContainerProbe {
  probe: 'readiness' | 'liveness' | 'startup';
  action: 'httpGet' | 'tcpSocket' | 'grpc';
  port: number | string;
}

export interface Container {
  name: string;
  image?: string;
  ports: ContainerPort[];
  probes?: ContainerProbe[];
  /** A restartable init container (a native sidecar): it runs beside the others and serves its ports. */
  sidecar?: boolean;
  /**
   * Only the command-line flags that say how the cluster's network is set up (kube-proxy's mode,
   * NodeLocal DNSCache's address, a CNI's policy switch); other arguments can carry credentials.
   */
  networkArgs?: string[];
}

/** The pod-level fields that decide how a pod is reached and resolves names. */
export interface PodNetworkSpec {
  dnsPolicy?: string;
  hostname?: string;
  subdomain?: string;
  /** Extra conditions the pod must meet to be Ready (e.g. a load balancer's target health). */
  readinessGates?: string[];
}

export interface PodTemplate extends PodNetworkSpec {
  labels: Record<string, string>;
  containers: Container[];
  hostNetwork?: boolean;
}

/** A status condition as the API reports it, its message cut short. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface Base<K extends string> {
  kind: K;
  apiVersion: string;
  metadata: ObjectMeta;
  /** Set on objects Strata made up itself (offline pods, derived EndpointSlices), never on observed ones. */
  synthesized?: boolean;
}

export type Namespace = Base<'Namespace'>;

export interface NodeAddress {
  type: string;
  address: string;
}

export interface Node extends Base<'Node'> {
  spec: { podCIDRs: string[]; unschedulable: boolean };
  /** `networkUnavailable` is true when the CNI has not set up the Node's network. */
  status: { addresses: NodeAddress[]; ready: boolean | null; networkUnavailable?: boolean };
}

export interface Pod extends Base<'Pod'> {
  spec: PodNetworkSpec & { nodeName?: string; containers: Container[]; hostNetwork: boolean };
  /** `notReady` says why a pod that is not Ready is not: a waiting reason, a failing probe, a readiness gate. */
  status: { phase?: string; podIPs: string[]; ready: boolean | null; notReady?: string };
}

export interface ServicePort {
  name?: string;
  protocol: Protocol;
  port: number;
  targetPort: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface Service extends Base<'Service'> {
  spec: {
    type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    selector?: Record<string, string>;
    clusterIPs: string[];
    ports: ServicePort[];
    externalName?: string;
    externalIPs: string[];
    /** True for headless Services (clusterIP: None). */
    headless: boolean;
    externalTrafficPolicy?: 'Cluster' | 'Local';
    internalTrafficPolicy?: 'Cluster' | 'Local';
    publishNotReadyAddresses?: boolean;
    sessionAffinity?: string;
    loadBalancerClass?: string;
  };
  status: { loadBalancerIngress: { ip?: string; hostname?: string }[] };
}

export interface EndpointConditions {
  ready: boolean | null;
  serving: boolean | null;
  terminating: boolean | null;
}

export interface Endpoint {
  addresses: string[];
  conditions: EndpointConditions;
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointSlicePort {
  name?: string;
  port?: number;
  protocol: Protocol;
  appProtocol?: string;
}

export interface EndpointSlice extends Base<'EndpointSlice'> {
  addressType: string;
  endpoints: Endpoint[];
  ports: EndpointSlicePort[];
}

/** An Ingress backend port is either a number or the name of one of the Service's ports. */
export interface ServiceBackendPort {
  number?: number;
  name?: string;
}

export interface IngressBackend {
  service?: { name: string; port: ServiceBackendPort };
  resource?: { apiGroup?: string; kind: string; name: string };
}

export interface IngressPath {
  path?: string;
  pathType: string;
  backend: IngressBackend;
}

export interface Ingress extends Base<'Ingress'> {
  spec: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    rules: { host?: string; paths: IngressPath[] }[];
    tls: { hosts: string[]; secretName?: string }[];
  };
  status: { loadBalancerIngress: { ip?: string; hostname?: string }[] };
}

export interface IngressClass extends Base<'IngressClass'> {
  spec: { controller?: string; isDefault: boolean };
}

export interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  port?: number;
  weight?: number;
}

export interface RouteRule {
  matches: unknown[];
  backendRefs: BackendRef[];
  /** How many filters the rule has: a rule with filters may answer without a backend. */
  filters?: number;
}

/** Which routes a Gateway listener admits: from which namespaces, and of which kinds. */
export interface AllowedRoutes {
  from: 'Same' | 'All' | 'Selector';
  selector?: LabelSelector;
  kinds?: string[];
}

export interface GatewayListener {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  allowedRoutes?: AllowedRoutes;
  /** The listener's TLS certificate references (names only: Strata never reads the Secret). */
  certificateRefs?: { kind: string; namespace?: string; name: string }[];
}

export interface Gateway extends Base<'Gateway'> {
  spec: {
    gatewayClassName: string;
    listeners: GatewayListener[];
    addresses: { type?: string; value: string }[];
  };
  status: {
    addresses: { type?: string; value: string }[];
    conditions?: Condition[];
    listeners?: { name: string; attachedRoutes: number; conditions: Condition[] }[];
  };
}

/** What a Gateway controller says of one of a route's parents. */
export interface RouteParentStatus {
  parentRef: ParentRef;
  controllerName?: string;
  conditions: Condition[];
}

export interface HTTPRoute extends Base<'HTTPRoute'> {
  spec: { parentRefs: ParentRef[]; hostnames: string[]; rules: RouteRule[] };
  status?: { parents: RouteParentStatus[] };
}

export interface GRPCRoute extends Base<'GRPCRoute'> {
  spec: { parentRefs: ParentRef[]; hostnames: string[]; rules: RouteRule[] };
  status?: { parents: RouteParentStatus[] };
}

export interface GatewayClass extends Base<'GatewayClass'> {
  spec: { controllerName: string };
  status: { conditions: Condition[] };
}

/** Allows references from other namespaces into this one (gateway.networking.k8s.io). */
export interface ReferenceGrant extends Base<'ReferenceGrant'> {
  spec: { from: { group: string; kind: string; namespace: string }[]; to: { group: string; kind: string; name?: string }[] };
}

/**
 * A policy of a CNI's own (Cilium, Calico, Antrea) that Strata counts but does not evaluate:
 * wherever one could change a verdict, Strata says "not modelled" rather than guess. Its name is
 * `Kind:name` (`CiliumNetworkPolicy:allow-web`), so policies of two CNIs with one name stay apart.
 */
export interface UnmodelledPolicy extends Base<'UnmodelledPolicy'> {
  /** `CiliumNetworkPolicy`, `GlobalNetworkPolicy (Calico)`, …: the policy's own kind, named for people. */
  policyKind: string;
  /** Cluster-wide kinds (CiliumClusterwideNetworkPolicy, Calico GlobalNetworkPolicy) have no namespace. */
  clusterWide?: boolean;
}

export interface NetworkPolicy extends Base<'NetworkPolicy'> {
  /** Kept whole: every field of a NetworkPolicy spec changes its meaning. */
  spec: Record<string, unknown>;
}

/** policy.networking.k8s.io/v1alpha1, cluster-scoped; specs kept whole like NetworkPolicy's. */
export interface AdminNetworkPolicy extends Base<'AdminNetworkPolicy'> {
  spec: Record<string, unknown>;
}

/** The cluster's one BaselineAdminNetworkPolicy, named `default`. */
export interface BaselineAdminNetworkPolicy extends Base<'BaselineAdminNetworkPolicy'> {
  spec: Record<string, unknown>;
}

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

export interface Workload extends Base<WorkloadKind> {
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    serviceName?: string;
    template: PodTemplate;
  };
}

export type KubeObject =
  | Namespace
  | Node
  | Pod
  | Service
  | EndpointSlice
  | Ingress
  | IngressClass
  | Gateway
  | HTTPRoute
  | GRPCRoute
  | NetworkPolicy
  | AdminNetworkPolicy
  | BaselineAdminNetworkPolicy
  | GatewayClass
  | ReferenceGrant
  | UnmodelledPolicy
  | Workload;

export type KubeKind = KubeObject['kind'];

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The label the API server puts on every Namespace, which namespaceSelectors rely on. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['Namespace', 'Node', 'IngressClass', 'GatewayClass', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']);

/** Whether an object has no namespace: its kind is cluster-scoped, or it is a cluster-wide CNI policy. */
export function isClusterScoped(object: KubeObject): boolean {
  return CLUSTER_SCOPED_KINDS.has(object.kind) || (object.kind === 'UnmodelledPolicy' && object.clusterWide === true);
}

export function isWorkload(object: KubeObject): object is Workload {
  return (WORKLOAD_KINDS as readonly string[]).includes(object.kind);
}

/** The id Strata uses for an object everywhere: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export function objectId(kind: string, name: string, namespace?: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

export function idOf(object: KubeObject): string {
  return objectId(object.kind, object.metadata.name, object.metadata.namespace);
}

/** Everything Strata knows about a cluster at one moment: the input of `buildTopology`. */
export interface ClusterState {
  objects: readonly KubeObject[];
}

/** One change to an object, as a watcher reports it and a recorder stores it. */
export interface ObjectChange {
  type: 'added' | 'modified' | 'deleted';
  key: string;
  object: KubeObject;
}
