import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../shared/kube';
import { deployment, kube, namespace, service } from '../testing/manifests';
import { clusterProfile, meshProfile, namespaceMesh, type NamespaceMesh, type ProfileInput } from './clusterProfile';
import { diagnose, IncrementalDiagnostics } from './IncrementalDiagnostics';

interface Spec {
  name: string;
  image?: string;
  args?: string[];
}

function daemonSet(ns: string, name: string, containers: Spec[]): KubeObject {
  const labels = { 'k8s-app': name };
  const spec = { containers: containers.map((c) => ({ name: c.name, image: c.image, args: c.args })) };
  return kube({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec } } });
}

function meshPod(ns: string, name: string, containers: string[], labels: Record<string, string> = {}): Pod {
  const spec = { containers: containers.map((c) => ({ name: c, image: `${c}:1` })) };
  return kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }) as Pod;
}

function dnsSlice(name: string, endpoints: [pod: string, ready: boolean][], addressType = 'IPv4'): KubeObject {
  const list = endpoints.map(([pod, ready], i) => ({ addresses: [`10.244.0.${i + 5}`], conditions: { ready }, targetRef: { kind: 'Pod', namespace: 'kube-system', name: pod } }));
  return kube({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns' } }, addressType, endpoints: list, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
}

const inputOf = (objects: readonly KubeObject[]): ProfileInput => ({
  objectsOfKind: (kind) => objects.filter((o) => o.kind === kind),
  namespaceObjects: (ns) => objects.filter((o) => o.metadata.namespace === ns),
});
const profileOf = (...objects: KubeObject[]) => clusterProfile(inputOf(objects));

const calico = daemonSet('calico-system', 'calico-node', [{ name: 'calico-node', image: 'calico/node:v3.27.0' }]);
const ciliumAgent = (args: string[] = []) => daemonSet('kube-system', 'cilium', [{ name: 'cilium-agent', image: 'cilium/cilium:v1.15.3', args }]);
const flannel = daemonSet('kube-flannel', 'kube-flannel-ds', [{ name: 'kube-flannel', image: 'flannel/flannel:v0.24.2', args: ['--ip-masq', '--kube-subnet-mgr'] }]);
const networkPolicies = daemonSet('kube-system', 'kube-network-policies', [{ name: 'kube-network-policies', image: 'networking/kube-network-policies:v0.4.0' }]);
const kindnet = (tag: string) => daemonSet('kube-system', 'kindnet', [{ name: 'kindnet-cni', image: `kindest/kindnetd:${tag}` }]);
const awsNode = (agentArgs?: string[]) =>
  daemonSet('kube-system', 'aws-node', [
    { name: 'aws-node', image: 'amazon-k8s-cni:v1.18.0' },
    ...(agentArgs ? [{ name: 'aws-eks-nodeagent', image: 'amazon/aws-network-policy-agent:v1.1.0', args: agentArgs }] : []),
  ]);
const azureCns = daemonSet('kube-system', 'azure-cns', [{ name: 'cns-container', image: 'mcr.microsoft.com/containernetworking/azure-cns:v1.5.26' }]);
const kubeProxy = (command: string[]) => daemonSet('kube-system', 'kube-proxy', [{ name: 'kube-proxy', image: 'kube-proxy:v1.30.0', args: command }]);

describe('clusterProfile: CNI and NetworkPolicy enforcement', () => {
  const cases: [string, KubeObject[], string, boolean | 'unknown', string][] = [
    ['Calico', [calico], 'Calico', true, 'enforced'],
    ['Cilium', [ciliumAgent()], 'Cilium', true, 'enforced'],
    ['Cilium with enforcement mode never', [ciliumAgent(['--enable-policy=never'])], 'Cilium', false, 'not-enforced'],
    ['Flannel alone', [flannel], 'Flannel', false, 'not-enforced'],
    ['Canal', [daemonSet('kube-system', 'canal', [{ name: 'calico-node', image: 'calico/node:v3.27.0' }, { name: 'kube-flannel', image: 'flannel/flannel:v0.24.2' }])], 'Canal', true, 'enforced'],
    ['Weave Net', [daemonSet('kube-system', 'weave-net', [{ name: 'weave', image: 'weaveworks/weave-kube:2.8.1' }, { name: 'weave-npc', image: 'weaveworks/weave-npc:2.8.1' }])], 'Weave Net', true, 'enforced'],
    ['Weave Net without weave-npc', [daemonSet('kube-system', 'weave-net', [{ name: 'weave', image: 'weaveworks/weave-kube:2.8.1' }])], 'Weave Net', false, 'not-enforced'],
    ['Antrea', [daemonSet('kube-system', 'antrea-agent', [{ name: 'antrea-agent', image: 'antrea/antrea-agent-ubuntu:v2.0.0' }, { name: 'antrea-ovs' }])], 'Antrea', true, 'enforced'],
    ['kube-router', [daemonSet('kube-system', 'kube-router', [{ name: 'kube-router', image: 'cloudnativelabs/kube-router', args: ['--run-router=true', '--run-firewall=true'] }])], 'kube-router', true, 'enforced'],
    ['kube-router without its firewall', [daemonSet('kube-system', 'kube-router', [{ name: 'kube-router', args: ['--run-firewall=false'] }])], 'kube-router', false, 'not-enforced'],
    ['kindnet before kind v0.24', [kindnet('v20230511-dc714da8')], 'kindnet', false, 'not-enforced'],
    ['kindnet from kind v0.24', [kindnet('v20240813-c6f155d6')], 'kindnet', true, 'enforced'],
    ['kindnet of unknown version', [kindnet('latest')], 'kindnet', 'unknown', 'unknown'],
    ['AWS VPC CNI without its agent', [awsNode()], 'AWS VPC CNI', false, 'not-enforced'],
    ['AWS VPC CNI with the agent switched off', [awsNode(['--enable-network-policy=false'])], 'AWS VPC CNI', false, 'not-enforced'],
    ['AWS VPC CNI with the agent switched on', [awsNode(['--enable-network-policy=true', '--enable-ipv6=false'])], 'AWS VPC CNI', true, 'enforced'],
    ['Azure CNI alone', [azureCns], 'Azure CNI', false, 'not-enforced'],
    ['Azure CNI with Azure NPM', [azureCns, daemonSet('kube-system', 'azure-npm', [{ name: 'azure-npm', image: 'mcr.microsoft.com/containernetworking/azure-npm:v1.5.34' }])], 'Azure NPM', true, 'enforced'],
    ['Azure CNI Powered by Cilium', [azureCns, daemonSet('kube-system', 'cilium', [{ name: 'cilium-agent', image: 'mcr.microsoft.com/oss/cilium/cilium:1.14.10' }])], 'Azure CNI Powered by Cilium', true, 'enforced'],
    ['GKE Dataplane V2', [daemonSet('kube-system', 'anetd', [{ name: 'cilium-agent', image: 'cilium/cilium:v1.14.6-gke' }])], 'GKE Dataplane V2', true, 'enforced'],
    ['kube-network-policies', [networkPolicies], 'kube-network-policies', true, 'enforced'],
  ];
  it.each(cases)('%s', (_case, objects, name, enforces, overall) => {
    const profile = profileOf(...objects);
    expect(profile.cni.find((c) => c.name === name)).toMatchObject({ name, enforcesNetworkPolicy: enforces });
    expect(profile.policyEnforcement).toBe(overall);
  });

  it('names the DaemonSet and containers as evidence, and notes what only a ConfigMap tells', () => {
    const [cilium] = profileOf(ciliumAgent()).cni;
    expect(cilium.evidence).toEqual(['DaemonSet kube-system/cilium: cilium-agent (cilium/cilium:v1.15.3)']);
    expect(cilium.note).toContain('cilium-config');
    expect(profileOf(awsNode(['--enable-network-policy=true'])).cni[0].evidence[0]).toContain('aws-eks-nodeagent (amazon/aws-network-policy-agent:v1.1.0) --enable-network-policy=true');
    expect(profileOf(kindnet('latest')).cni[0].note).toContain('does not tell');
  });

  it('counts Flannel as enforced when kube-network-policies or Calico runs beside it, and keeps one entry per CNI, sorted', () => {
    const profile = profileOf(networkPolicies, flannel);
    expect(profile.cni.map((c) => c.name)).toEqual(['Flannel', 'kube-network-policies']);
    expect(profile.cni[0].note).toBe('Flannel does not enforce NetworkPolicy itself; kube-network-policies does here');
    expect(profile.policyEnforcement).toBe('enforced');
    expect(profileOf(flannel, calico).policyEnforcement).toBe('enforced');
    expect(profileOf(azureCns, ciliumAgent()).cni).toHaveLength(1);
  });

  it('does not take a DaemonSet that merely resembles a CNI, nor cilium-envoy, for one', () => {
    const profile = profileOf(daemonSet('kube-system', 'cilium-envoy', [{ name: 'cilium-envoy', image: 'cilium/cilium-envoy:v1.29' }]), daemonSet('monitoring', 'node-exporter', [{ name: 'node-exporter' }]));
    expect(profile.cni).toEqual([]);
    expect(profile.policyEnforcement).toBe('unknown');
  });
});

describe('clusterProfile: kube-proxy', () => {
  it('is running with its mode when the flag shows it', () => {
    expect(profileOf(kubeProxy(['--proxy-mode=ipvs'])).kubeProxy).toEqual({ state: 'running', mode: 'ipvs', evidence: ['DaemonSet kube-system/kube-proxy', '--proxy-mode=ipvs'], note: '' });
  });

  it('is running without a mode, with a note, when the mode is in its ConfigMap', () => {
    const { kubeProxy: proxy } = profileOf(kubeProxy(['--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)']));
    expect(proxy).toMatchObject({ state: 'running', evidence: ['DaemonSet kube-system/kube-proxy'] });
    expect(proxy.mode).toBeUndefined();
    expect(proxy.note).toContain('mode not visible without reading a ConfigMap');
  });

  it('is replaced by Cilium with --kube-proxy-replacement, or inferred replaced with no kube-proxy beside Cilium or anetd', () => {
    expect(profileOf(ciliumAgent(['--kube-proxy-replacement=true'])).kubeProxy).toEqual({ state: 'replaced', evidence: ['DaemonSet kube-system/cilium', '--kube-proxy-replacement=true'], note: '' });
    const inferred = profileOf(ciliumAgent()).kubeProxy;
    expect(inferred).toMatchObject({ state: 'replaced' });
    expect(inferred.note).toContain('cilium-config');
    expect(profileOf(daemonSet('kube-system', 'anetd', [{ name: 'cilium-agent' }])).kubeProxy.state).toBe('replaced');
    expect(profileOf(ciliumAgent(['--kube-proxy-replacement=false'])).kubeProxy.state).toBe('not-found');
  });

  it('is not found in a cluster with neither', () => {
    expect(profileOf(calico).kubeProxy).toMatchObject({ state: 'not-found', evidence: [] });
  });
});

describe('clusterProfile: DNS', () => {
  const coredns = kube(deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53 }]));
  const dnsService = service('kube-system', 'kube-dns', { selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }] });

  it('finds CoreDNS and counts ready endpoints once per pod across dual-stack slices', () => {
    const dns = profileOf(coredns, dnsService, dnsSlice('kube-dns-v4', [['coredns-a', true], ['coredns-b', true], ['coredns-c', false]]), dnsSlice('kube-dns-v6', [['coredns-a', true]], 'IPv6')).dns;
    expect(dns).toEqual({ provider: 'CoreDNS', service: 'kube-system/kube-dns', readyEndpoints: 2 });
  });

  it('reports no ready endpoints when none is ready', () => {
    expect(profileOf(coredns, dnsService, dnsSlice('kube-dns-v4', [['coredns-a', false]])).dns.readyEndpoints).toBe(0);
  });

  it('tells CoreDNS from kube-dns by Deployment name, or by the labelled pods image', () => {
    expect(profileOf(kube(deployment('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }))).dns.provider).toBe('kube-dns');
    const pod = kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dns-1', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'dns', image: 'coredns/coredns:v1.11.1' }] }, status: {} });
    expect(profileOf(pod).dns.provider).toBe('CoreDNS');
    expect(profileOf().dns).toEqual({ provider: 'none', readyEndpoints: 0 });
  });

  it('finds NodeLocal DNSCache and its address when the flag carries it', () => {
    const cache = (args: string[]) => daemonSet('kube-system', 'node-local-dns', [{ name: 'node-cache', image: 'dns/k8s-dns-node-cache:1.23.1', args }]);
    expect(profileOf(cache(['-localip=169.254.20.10,10.96.0.10', '-conf=/etc/Corefile'])).dns.nodeLocal).toEqual({ daemonSet: 'kube-system/node-local-dns', address: '169.254.20.10' });
    // The usual `-localip <address>` form: strip keeps the value that follows the flag.
    expect(profileOf(cache(['-localip', '169.254.20.10,10.96.0.10'])).dns.nodeLocal).toEqual({ daemonSet: 'kube-system/node-local-dns', address: '169.254.20.10' });
    // Without the flag the address is left out rather than assumed.
    expect(profileOf(cache(['-conf=/etc/Corefile'])).dns.nodeLocal).toEqual({ daemonSet: 'kube-system/node-local-dns' });
  });
});

describe('clusterProfile: meshes', () => {
  it('counts Istio sidecars with the revision, leaving gateway pods out', () => {
    const pods = [meshPod('shop', 'cart', ['app', 'istio-proxy'], { 'istio.io/rev': 'default' }), meshPod('shop', 'pay', ['app', 'istio-proxy'], { 'istio.io/rev': 'default' }), meshPod('shop', 'gw', ['istio-proxy'], { istio: 'ingressgateway' }), meshPod('shop', 'db', ['db'])];
    expect(namespaceMesh('shop', pods, { 'istio-injection': 'enabled' })).toEqual([{ namespace: 'shop', mesh: 'Istio', mode: 'sidecar', revision: 'default', sidecarPods: 2 }]);
    expect(namespaceMesh('shop', [], { 'istio.io/rev': '1-22' })).toEqual([{ namespace: 'shop', mesh: 'Istio', mode: 'sidecar', revision: '1-22', sidecarPods: 0 }]);
    expect(namespaceMesh('shop', [], { 'istio-injection': 'disabled', 'istio.io/rev': '1-22' })).toEqual([]);
  });

  it('finds Istio ambient namespaces, and the cluster ambient flag only with ztunnel', () => {
    const ambient = namespaceMesh('shop', [meshPod('shop', 'cart', ['app'])], { 'istio.io/dataplane-mode': 'ambient' });
    expect(ambient).toEqual([{ namespace: 'shop', mesh: 'Istio', mode: 'ambient', sidecarPods: 0 }]);
    const ztunnel = daemonSet('istio-system', 'ztunnel', [{ name: 'istio-proxy', image: 'istio/ztunnel:1.22.0' }]);
    expect(meshProfile(ambient, inputOf([ztunnel]))).toEqual([{ mesh: 'Istio', namespaces: [{ namespace: 'shop', mode: 'ambient', sidecarPods: 0 }], ambient: true }]);
    expect(meshProfile(ambient, inputOf([]))[0].ambient).toBe(false);
  });

  it('finds Linkerd by its proxy, and nothing in a namespace without evidence', () => {
    const pods = [meshPod('web', 'front', ['app', 'linkerd-proxy'], { 'linkerd.io/control-plane-ns': 'linkerd' }), meshPod('web', 'plain', ['app'])];
    expect(namespaceMesh('web', pods, {})).toEqual([{ namespace: 'web', mesh: 'Linkerd', mode: 'sidecar', sidecarPods: 1 }]);
    expect(namespaceMesh('web', [meshPod('web', 'plain', ['app'])], {})).toEqual([]);
  });

  it('sorts namespaces within each mesh', () => {
    const summaries: NamespaceMesh[] = [
      { namespace: 'web', mesh: 'Linkerd', mode: 'sidecar', sidecarPods: 1 },
      { namespace: 'b', mesh: 'Istio', mode: 'sidecar', sidecarPods: 1 },
      { namespace: 'a', mesh: 'Istio', mode: 'sidecar', sidecarPods: 3 },
    ];
    expect(meshProfile(summaries, inputOf([])).map((m) => [m.mesh, m.namespaces.map((n) => n.namespace)])).toEqual([['Istio', ['a', 'b']], ['Linkerd', ['web']]]);
  });
});

const ingressClass = (name: string, controller: string, isDefault = false) =>
  kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} }, spec: { controller } });
const gatewayClass = (name: string, controllerName: string, accepted?: string) =>
  kube({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name }, spec: { controllerName }, status: { conditions: accepted ? [{ type: 'Accepted', status: accepted }] : [] } });
const cnp = (ns: string, name: string) => kube({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec: {} });
const globalPolicy = (name: string) => kube({ apiVersion: 'crd.projectcalico.org/v1', kind: 'GlobalNetworkPolicy', metadata: { name }, spec: {} });

describe('clusterProfile: classes and unmodelled policies', () => {
  it('lists every IngressClass and GatewayClass, sorted', () => {
    const profile = profileOf(ingressClass('traefik', 'traefik.io/ingress-controller'), ingressClass('nginx', 'k8s.io/ingress-nginx', true), gatewayClass('istio', 'istio.io/gateway-controller', 'True'), gatewayClass('eg', 'gateway.envoyproxy.io/gatewayclass-controller', 'False'), gatewayClass('new', 'example.com/gw'));
    expect(profile.ingressControllers).toEqual([{ ingressClass: 'nginx', controller: 'k8s.io/ingress-nginx', isDefault: true }, { ingressClass: 'traefik', controller: 'traefik.io/ingress-controller', isDefault: false }]);
    expect(profile.gatewayControllers).toEqual([
      { gatewayClass: 'eg', controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', accepted: false },
      { gatewayClass: 'istio', controllerName: 'istio.io/gateway-controller', accepted: true },
      { gatewayClass: 'new', controllerName: 'example.com/gw', accepted: null },
    ]);
  });

  it('counts unmodelled policies by kind', () => {
    expect(profileOf(cnp('shop', 'a'), cnp('web', 'b'), globalPolicy('deny')).unmodelledPolicies).toEqual([{ kind: 'Calico GlobalNetworkPolicy', count: 1 }, { kind: 'CiliumNetworkPolicy', count: 2 }]);
  });

  it('is empty for an empty cluster', () => {
    expect(profileOf()).toEqual({
      cni: [],
      policyEnforcement: 'unknown',
      kubeProxy: { state: 'not-found', evidence: [], note: expect.any(String) },
      dns: { provider: 'none', readyEndpoints: 0 },
      meshes: [],
      ingressControllers: [],
      gatewayControllers: [],
      unmodelledPolicies: [],
    });
  });
});

describe('clusterProfile through diagnose', () => {
  it('profiles a whole cluster, meshes included', () => {
    const objects = [
      namespace('kube-system'),
      namespace('shop', { 'istio-injection': 'enabled' }),
      namespace('lab', { 'istio.io/dataplane-mode': 'ambient' }),
      namespace('web'),
      calico,
      kubeProxy(['--proxy-mode=nftables']),
      daemonSet('istio-system', 'ztunnel', [{ name: 'istio-proxy' }]),
      kube(deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' })),
      service('kube-system', 'kube-dns', { selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }] }),
      dnsSlice('kube-dns-1', [['coredns-a', true]]),
      meshPod('shop', 'cart', ['app', 'istio-proxy'], { 'istio.io/rev': 'default' }),
      meshPod('lab', 'exp', ['app']),
      meshPod('web', 'front', ['app', 'linkerd-proxy']),
      ingressClass('nginx', 'k8s.io/ingress-nginx', true),
      gatewayClass('istio', 'istio.io/gateway-controller', 'True'),
      cnp('shop', 'a'),
    ];
    const { profile, findings } = diagnose({ objects }, { rules: [] });
    expect(findings).toEqual([]);
    expect(profile).toMatchObject({
      cni: [{ name: 'Calico', enforcesNetworkPolicy: true }],
      policyEnforcement: 'enforced',
      kubeProxy: { state: 'running', mode: 'nftables' },
      dns: { provider: 'CoreDNS', service: 'kube-system/kube-dns', readyEndpoints: 1 },
      meshes: [
        { mesh: 'Istio', ambient: true, namespaces: [{ namespace: 'lab', mode: 'ambient', sidecarPods: 0 }, { namespace: 'shop', mode: 'sidecar', revision: 'default', sidecarPods: 1 }] },
        { mesh: 'Linkerd', namespaces: [{ namespace: 'web', mode: 'sidecar', sidecarPods: 1 }] },
      ],
      ingressControllers: [{ ingressClass: 'nginx', controller: 'k8s.io/ingress-nginx', isDefault: true }],
      gatewayControllers: [{ gatewayClass: 'istio', controllerName: 'istio.io/gateway-controller', accepted: true }],
      unmodelledPolicies: [{ kind: 'CiliumNetworkPolicy', count: 1 }],
    });
  });
});

describe('clusterProfile as the cluster changes', () => {
  it('follows a namespace label and a CNI DaemonSet as they change', () => {
    const diagnostics = new IncrementalDiagnostics({ rules: [] });
    const pods = [meshPod('shop', 'cart', ['app'])];
    diagnostics.update({ objects: [namespace('shop'), ...pods, flannel] });
    expect(diagnostics.profile()).toMatchObject({ meshes: [], policyEnforcement: 'not-enforced' });
    diagnostics.update({ objects: [namespace('shop', { 'istio.io/dataplane-mode': 'ambient' }), ...pods, flannel, networkPolicies] });
    expect(diagnostics.profile()).toMatchObject({ meshes: [{ mesh: 'Istio', ambient: false, namespaces: [{ namespace: 'shop', mode: 'ambient' }] }], policyEnforcement: 'enforced' });
  });
});
