import type { ClusterProfile, DetectedCni } from '../../shared/diagnostics';
import type { Container, KubeObject, Pod, Workload } from '../../shared/kube';
import { SERVICE_NAME_LABEL } from '../../shared/kube';

/** Kinds the profile is worked out from: a change to one recomputes it. */
export const PROFILE_KINDS: ReadonlySet<string> = new Set(['DaemonSet', 'IngressClass', 'GatewayClass', 'UnmodelledPolicy']);
/** Namespaces whose objects the profile reads (the DNS Deployment, Service and EndpointSlices, static kube-proxy pods). */
export const PROFILE_NAMESPACES: ReadonlySet<string> = new Set(['kube-system']);

export interface NamespaceMesh {
  namespace: string;
  mesh: 'Istio' | 'Linkerd';
  mode: 'sidecar' | 'ambient';
  revision?: string;
  sidecarPods: number;
}

export interface ProfileInput {
  /** Every object of one of PROFILE_KINDS. */
  objectsOfKind(kind: string): readonly KubeObject[];
  /** Every object of one namespace. */
  namespaceObjects(namespace: string): readonly KubeObject[];
}

type Enforces = DetectedCni['enforcesNetworkPolicy'];
interface DaemonSet { id: string; name: string; containers: Container[]; args: string[] }

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const has = (ds: DaemonSet, ...names: string[]) => ds.containers.some((c) => names.includes(c.name));
const image = (ds: DaemonSet, pattern: RegExp) => ds.containers.some((c) => pattern.test(c.image ?? ''));

/** A flag's value among kept args: `--f=v`, `--f v` (when the value was kept beside it), '' when the value is not there. */
function flag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(args[i]);
    if (m?.[1] !== name) continue;
    if (m[2] !== undefined) return m[2];
    const next = args[i + 1];
    return next !== undefined && !next.startsWith('-') ? next : '';
  }
  return undefined;
}

function daemonSets(input: ProfileInput): DaemonSet[] {
  return (input.objectsOfKind('DaemonSet') as Workload[])
    .map((w) => ({ id: `${w.metadata.namespace}/${w.metadata.name}`, name: w.metadata.name, containers: w.spec.template.containers, args: w.spec.template.containers.flatMap((c) => c.networkArgs ?? []) }))
    .sort((a, b) => byText(a.id, b.id));
}

const isCilium = (ds: DaemonSet) => /^cilium(-agent)?$/.test(ds.name) || has(ds, 'cilium-agent') || image(ds, /\/cilium\/cilium[:@]/);

/** How each CNI's DaemonSet is recognised, first match wins (Canal before Calico and Flannel, anetd before Cilium). */
const RECOGNISERS: readonly [string, (ds: DaemonSet) => boolean][] = [
  ['Canal', (ds) => /^(rke2-)?canal$/.test(ds.name) || (has(ds, 'calico-node') && has(ds, 'kube-flannel', 'flannel'))],
  ['Calico', (ds) => /^calico-node(-windows)?$/.test(ds.name) || has(ds, 'calico-node') || image(ds, /calico\/node[:@]/)],
  ['Flannel', (ds) => /^(kube-flannel-ds|flannel)(-[a-z0-9]+)?$/.test(ds.name) || has(ds, 'kube-flannel')],
  ['GKE Dataplane V2', (ds) => ds.name === 'anetd'],
  ['Cilium', (ds) => isCilium(ds)],
  ['Weave Net', (ds) => ds.name === 'weave-net' || has(ds, 'weave')],
  ['Antrea', (ds) => /^antrea-agent(-windows)?$/.test(ds.name) || has(ds, 'antrea-agent')],
  ['kube-router', (ds) => ds.name === 'kube-router' || has(ds, 'kube-router')],
  ['kindnet', (ds) => /^kindnetd?$/.test(ds.name) || has(ds, 'kindnet-cni', 'kindnetd') || image(ds, /kindnetd[:@]/)],
  ['AWS VPC CNI', (ds) => ds.name === 'aws-node' || image(ds, /amazon-k8s-cni[:@]/)],
  ['Azure CNI', (ds) => /^azure-cns(-win)?$/.test(ds.name)],
  ['Azure NPM', (ds) => /^azure-npm(-win)?$/.test(ds.name)],
  ['kube-network-policies', (ds) => ds.name === 'kube-network-policies' || image(ds, /kube-network-policies[:@]/)],
];

const CONFIGMAP = 'which Strata does not read';

function kindnet(ds: DaemonSet): { enforces: Enforces; note: string } {
  const tag = ds.containers.map((c) => c.image ?? '').find((i) => /kindnet/.test(i)) ?? '';
  const date = /:v(\d{8})-/.exec(tag)?.[1];
  const release = /:v(\d+)\.(\d+)/.exec(tag);
  const newer = date ? date >= '20240813' : release ? Number(release[1]) > 1 || Number(release[2]) >= 3 : undefined;
  const older = date ? date < '20240701' : newer === false;
  if (newer) return { enforces: true, note: 'kindnetd from kind v0.24 (aojea/kindnet v1.3) on embeds kube-network-policies; a flag that turns it off would not be visible' };
  if (older) return { enforces: false, note: `kindnetd ${tag} predates its NetworkPolicy support (kind v0.24), so policies are not enforced` };
  return { enforces: 'unknown', note: `kindnetd from kind v0.24 on enforces NetworkPolicy, older ones do not; the image ${tag || '(none)'} does not tell which this is` };
}

function awsNode(ds: DaemonSet): { enforces: Enforces; note: string } {
  const agent = ds.containers.find((c) => c.name === 'aws-eks-nodeagent' || c.name === 'aws-network-policy-agent' || /aws-network-policy-agent[:@]/.test(c.image ?? ''));
  if (!agent) return { enforces: false, note: 'aws-node has no network policy agent container, so NetworkPolicies are not enforced' };
  const value = flag(agent.networkArgs ?? [], 'enable-network-policy');
  if (value === 'true') return { enforces: true, note: `the controller side is switched on in ConfigMap kube-system/amazon-vpc-cni (enable-network-policy-controller), ${CONFIGMAP}` };
  if (value === '') return { enforces: 'unknown', note: `container ${agent.name} has --enable-network-policy but its value is not visible` };
  return { enforces: false, note: `container ${agent.name} runs with --enable-network-policy=${value ?? 'false (the default)'}` };
}

function cilium(args: readonly string[]): { enforces: Enforces; note?: string } {
  const mode = flag(args, 'enable-policy') || flag(args, 'policy-enforcement');
  if (mode === 'never') return { enforces: false, note: `Cilium runs with policy enforcement mode never` };
  if (mode === 'default' || mode === 'always') return { enforces: true };
  return { enforces: true, note: `the policy enforcement mode (enable-policy) is in ConfigMap cilium-config, ${CONFIGMAP}; 'never' would switch enforcement off` };
}

function assess(name: string, sets: readonly DaemonSet[], found: ReadonlySet<string>): { enforces: Enforces; note?: string } {
  const args = sets.flatMap((ds) => ds.args);
  switch (name) {
    case 'Cilium':
      return cilium(args);
    case 'GKE Dataplane V2':
      return { enforces: true, note: 'Cilium-based (anetd)' };
    case 'Flannel': {
      const enforcer = ['Calico', 'Canal', 'kube-network-policies'].find((n) => found.has(n));
      return { enforces: false, note: enforcer ? `Flannel does not enforce NetworkPolicy itself; ${enforcer} does here` : 'Flannel does not enforce NetworkPolicy' };
    }
    case 'Weave Net':
      return sets.some((ds) => has(ds, 'weave-npc')) ? { enforces: true } : { enforces: false, note: 'weave-net has no weave-npc container, which is what enforces NetworkPolicy' };
    case 'kube-router':
      return flag(args, 'run-firewall') === 'false' ? { enforces: false, note: 'kube-router runs with --run-firewall=false' } : { enforces: true };
    case 'kindnet':
      return kindnet(sets[0]);
    case 'AWS VPC CNI': {
      const results = sets.map(awsNode);
      return results.find((r) => r.enforces === true) ?? results.find((r) => r.enforces === 'unknown') ?? results[0];
    }
    case 'Azure CNI':
      return { enforces: false, note: 'Azure CNI enforces no NetworkPolicy itself; Azure NPM, Calico or Cilium does' };
    default:
      return { enforces: true };
  }
}

function evidenceOf(ds: DaemonSet): string {
  const containers = ds.containers.map((c) => `${c.name}${c.image ? ` (${c.image})` : ''}${c.networkArgs ? ` ${c.networkArgs.join(' ')}` : ''}`);
  return `DaemonSet ${ds.id}: ${containers.join(', ')}`;
}

function detectCnis(sets: readonly DaemonSet[]): DetectedCni[] {
  const byName = new Map<string, DaemonSet[]>();
  for (const ds of sets) {
    const name = RECOGNISERS.find(([, recognise]) => recognise(ds))?.[0];
    if (name) byName.set(name, [...(byName.get(name) ?? []), ds]);
  }
  // Azure CNI Powered by Cilium: one CNI, whose policies Cilium enforces.
  const azure = byName.get('Azure CNI');
  const agents = byName.get('Cilium');
  if (azure && agents) {
    byName.delete('Azure CNI');
    byName.delete('Cilium');
    byName.set('Azure CNI Powered by Cilium', [...azure, ...agents]);
  }
  const found = new Set(byName.keys());
  const cnis = [...byName].map(([name, group]): DetectedCni => {
    const { enforces, note } = assess(name === 'Azure CNI Powered by Cilium' ? 'Cilium' : name, group, found);
    return { name, enforcesNetworkPolicy: enforces, evidence: group.map(evidenceOf), ...(note ? { note } : {}) };
  });
  return cnis.sort((a, b) => byText(a.name, b.name));
}

function policyEnforcement(cnis: readonly DetectedCni[]): ClusterProfile['policyEnforcement'] {
  if (cnis.some((c) => c.enforcesNetworkPolicy === true)) return 'enforced';
  if (cnis.length === 0 || cnis.some((c) => c.enforcesNetworkPolicy === 'unknown')) return 'unknown';
  return 'not-enforced';
}

function kubeProxy(sets: readonly DaemonSet[], system: readonly KubeObject[]): ClusterProfile['kubeProxy'] {
  const proxies = sets.filter((ds) => ds.name === 'kube-proxy' || has(ds, 'kube-proxy'));
  // Static kube-proxy pods (RKE2, some kubeadm setups) have no DaemonSet.
  const statics = system.filter((o): o is Pod => o.kind === 'Pod' && o.spec.containers.some((c) => c.name === 'kube-proxy') && !o.metadata.ownerReferences?.some((r) => r.kind === 'DaemonSet'));
  const agents = sets.filter((ds) => ds.name === 'anetd' || isCilium(ds));
  const replacement = flag(agents.flatMap((ds) => ds.args), 'kube-proxy-replacement');
  const replaces = replacement === 'true' || replacement === 'strict';
  if (proxies.length || statics.length) {
    const args = [...proxies.flatMap((ds) => ds.args), ...statics.flatMap((p) => p.spec.containers.flatMap((c) => c.networkArgs ?? []))];
    const mode = flag(args, 'proxy-mode') || undefined;
    const evidence = [...proxies.map((ds) => `DaemonSet ${ds.id}`), ...(statics.length ? [`${statics.length} static kube-proxy Pod(s) in kube-system`] : []), ...(mode ? [`--proxy-mode=${mode}`] : [])];
    const notes = [mode ? '' : `mode not visible without reading a ConfigMap (kube-system/kube-proxy), ${CONFIGMAP}`, replaces ? `Cilium's kube-proxy replacement is on as well (--kube-proxy-replacement=${replacement})` : ''];
    return { state: 'running', ...(mode ? { mode } : {}), evidence, note: notes.filter(Boolean).join('; ') };
  }
  const evidence = agents.map((ds) => `DaemonSet ${ds.id}`);
  if (replaces) return { state: 'replaced', evidence: [...evidence, `--kube-proxy-replacement=${replacement}`], note: '' };
  if (agents.length && !replacement) {
    const gke = agents.every((ds) => ds.name === 'anetd');
    return { state: 'replaced', evidence, note: gke ? 'GKE Dataplane V2 replaces kube-proxy' : `no kube-proxy DaemonSet while Cilium runs; its kube-proxy-replacement setting is in ConfigMap cilium-config, ${CONFIGMAP}` };
  }
  if (agents.length) return { state: 'not-found', evidence: [...evidence, `--kube-proxy-replacement=${replacement}`], note: `Cilium does not fully replace kube-proxy (--kube-proxy-replacement=${replacement}) and no kube-proxy DaemonSet or static Pod was found` };
  return { state: 'not-found', evidence: [], note: 'no kube-proxy DaemonSet or static Pod; it may run outside the cluster objects (k3s) or an eBPF dataplane may replace it' };
}

const DNS_APPS = ['kube-dns', 'coredns'];
const dnsProviderOf = (containers: readonly Container[]): ClusterProfile['dns']['provider'] | undefined =>
  containers.some((c) => c.name === 'coredns' || /coredns[:@]/.test(c.image ?? '')) ? 'CoreDNS' : containers.some((c) => c.name === 'kubedns' || /k8s-dns-kube-dns/.test(c.image ?? '')) ? 'kube-dns' : undefined;

function dns(sets: readonly DaemonSet[], system: readonly KubeObject[]): ClusterProfile['dns'] {
  const named = new Set<string>();
  const labelled = new Set<string>();
  for (const o of system) {
    if (o.kind === 'Deployment' && (o.metadata.name === 'coredns' || o.metadata.name === 'kube-dns')) named.add(o.metadata.name === 'coredns' ? 'CoreDNS' : 'kube-dns');
    if (o.kind !== 'Pod' && o.kind !== 'Deployment' && o.kind !== 'ReplicaSet') continue;
    const labels = o.kind === 'Pod' ? o.metadata.labels : o.spec.template.labels;
    const provider = DNS_APPS.includes(labels?.['k8s-app'] ?? '') ? dnsProviderOf(o.kind === 'Pod' ? o.spec.containers : o.spec.template.containers) : undefined;
    if (provider) labelled.add(provider);
  }
  const providers = named.size ? named : labelled;
  const provider = providers.has('CoreDNS') ? 'CoreDNS' : providers.has('kube-dns') ? 'kube-dns' : 'none';
  const services = system.filter((o) => o.kind === 'Service').sort((a, b) => byText(a.metadata.name, b.metadata.name));
  const service = services.find((s) => s.metadata.name === 'kube-dns') ?? services.find((s) => s.kind === 'Service' && DNS_APPS.includes(s.spec.selector?.['k8s-app'] ?? ''));
  // Dual-stack Services list a pod in a slice per family: count pods (or addresses), not entries.
  const ready = new Set<string>();
  for (const o of system) {
    if (o.kind !== 'EndpointSlice' || !service || o.metadata.labels?.[SERVICE_NAME_LABEL] !== service.metadata.name) continue;
    for (const e of o.endpoints) if (e.conditions.ready === true) ready.add(e.targetRef ? `${e.targetRef.kind}/${e.targetRef.name}` : (e.addresses[0] ?? ''));
  }
  const cache = sets.find((ds) => ds.name === 'node-local-dns');
  const address = cache ? flag(cache.args, 'localip')?.split(',')[0] : undefined;
  const nodeLocal = cache ? { daemonSet: cache.id, ...(address ? { address } : {}) } : undefined;
  return { provider, ...(service ? { service: `kube-system/${service.metadata.name}` } : {}), readyEndpoints: ready.size, ...(nodeLocal ? { nodeLocal } : {}) };
}

export function clusterProfile(input: ProfileInput): ClusterProfile {
  const sets = daemonSets(input);
  const system = input.namespaceObjects('kube-system');
  const cni = detectCnis(sets);
  const unmodelled = new Map<string, number>();
  for (const o of input.objectsOfKind('UnmodelledPolicy')) if (o.kind === 'UnmodelledPolicy') unmodelled.set(o.policyKind, (unmodelled.get(o.policyKind) ?? 0) + 1);
  return {
    cni,
    policyEnforcement: policyEnforcement(cni),
    kubeProxy: kubeProxy(sets, system),
    dns: dns(sets, system),
    meshes: [],
    ingressControllers: input
      .objectsOfKind('IngressClass')
      .flatMap((o) => (o.kind === 'IngressClass' ? [{ ingressClass: o.metadata.name, controller: o.spec.controller ?? '', isDefault: o.spec.isDefault }] : []))
      .sort((a, b) => byText(a.ingressClass, b.ingressClass)),
    gatewayControllers: input
      .objectsOfKind('GatewayClass')
      .flatMap((o) => {
        if (o.kind !== 'GatewayClass') return [];
        const status = o.status.conditions.find((c) => c.type === 'Accepted')?.status;
        return [{ gatewayClass: o.metadata.name, controllerName: o.spec.controllerName, accepted: status === 'True' ? true : status === 'False' ? false : null }];
      })
      .sort((a, b) => byText(a.gatewayClass, b.gatewayClass)),
    unmodelledPolicies: [...unmodelled].map(([kind, count]) => ({ kind, count })).sort((a, b) => byText(a.kind, b.kind)),
  };
}

/** Labels of Istio's gateway and waypoint pods: their istio-proxy container is the data plane, not a sidecar. */
const ISTIO_GATEWAY_LABELS = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name', 'gateway.istio.io/managed'];
const NO_LABELS: Readonly<Record<string, string>> = {};

export function namespaceMesh(namespace: string, pods: readonly Pod[], labels: Readonly<Record<string, string>>): NamespaceMesh[] {
  let sidecars = 0;
  let ambientPods = 0;
  let linkerd = 0;
  const revisions = new Set<string>();
  // One pass over each pod's containers: this runs on every check of a namespace.
  for (const pod of pods) {
    const l = pod.metadata.labels ?? NO_LABELS;
    let istioProxy = false;
    let linkerdProxy = false;
    for (const { name } of pod.spec.containers) {
      if (name === 'istio-proxy') istioProxy = true;
      else if (name === 'linkerd-proxy') linkerdProxy = true;
    }
    const sidecar = istioProxy && !ISTIO_GATEWAY_LABELS.some((k) => l[k] !== undefined) && !/gateway$/.test(l.istio ?? '');
    const ambient = !sidecar && l['istio.io/dataplane-mode'] === 'ambient';
    const linked = linkerdProxy || l['linkerd.io/control-plane-ns'] !== undefined;
    // Whether the pod is on its way out is asked last: most pods are in no mesh.
    if ((!sidecar && !ambient && !linked) || pod.metadata.deletionTimestamp) continue;
    if (sidecar) {
      sidecars++;
      if (l['istio.io/rev']) revisions.add(l['istio.io/rev']);
    } else if (ambient) ambientPods++;
    if (linked) linkerd++;
  }
  const out: NamespaceMesh[] = [];
  // istio-injection takes precedence over istio.io/rev; a sidecar takes precedence over ambient.
  const injection = labels['istio-injection'];
  const nsSidecar = injection === 'enabled' || (labels['istio.io/rev'] !== undefined && injection !== 'disabled');
  const nsAmbient = labels['istio.io/dataplane-mode'] === 'ambient';
  if (nsSidecar || nsAmbient || sidecars || ambientPods) {
    const mode = nsSidecar || (!nsAmbient && sidecars > 0) ? 'sidecar' : 'ambient';
    const revision = labels['istio.io/rev'] && injection !== 'enabled' ? labels['istio.io/rev'] : [...revisions].sort(byText).join(',');
    out.push({ namespace, mesh: 'Istio', mode, ...(revision ? { revision } : {}), sidecarPods: sidecars });
  }
  if (linkerd) out.push({ namespace, mesh: 'Linkerd', mode: 'sidecar', sidecarPods: linkerd });
  return out;
}

export function meshProfile(summaries: readonly NamespaceMesh[], input: ProfileInput): ClusterProfile['meshes'] {
  const ztunnel = input.objectsOfKind('DaemonSet').some((o) => o.metadata.name === 'ztunnel');
  const meshes: ClusterProfile['meshes'] = [];
  for (const mesh of ['Istio', 'Linkerd'] as const) {
    const namespaces = summaries
      .filter((s) => s.mesh === mesh)
      .map(({ namespace, mode, revision, sidecarPods }) => ({ namespace, mode, ...(revision ? { revision } : {}), sidecarPods }))
      .sort((a, b) => byText(a.namespace, b.namespace));
    // Ambient needs ztunnel on the nodes: ambient-labelled namespaces without it are not in the mesh at all.
    const ambient = mesh === 'Istio' ? (ztunnel ? true : namespaces.some((n) => n.mode === 'ambient') ? false : undefined) : undefined;
    if (namespaces.length || ambient) meshes.push({ mesh, namespaces, ...(ambient !== undefined ? { ambient } : {}) });
  }
  return meshes;
}
