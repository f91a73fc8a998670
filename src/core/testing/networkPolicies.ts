/** Raw manifests for the NetworkPolicy rules' tests: CNI DaemonSets the cluster profile reads, DNS and Ingress controller pods. */
import type { KubeObject } from '../../shared/kube';
import { kube, pod } from './manifests';

export function daemonSet(namespace: string, name: string, containers: { name: string; image: string; args?: string[] }[]): KubeObject {
  return kube({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
  });
}

/** A CNI that enforces NetworkPolicy, so denials are errors. */
export const calico = (): KubeObject => daemonSet('kube-system', 'calico-node', [{ name: 'calico-node', image: 'calico/node:v3.28.0' }]);
/** A CNI that does not. */
export const flannel = (): KubeObject => daemonSet('kube-system', 'kube-flannel-ds', [{ name: 'kube-flannel', image: 'flannel/flannel:v0.25.1' }]);
/** NodeLocal DNSCache, listening on the link-local address. */
export const nodeLocalDns = (address = '169.254.20.10'): KubeObject => daemonSet('kube-system', 'node-local-dns', [{ name: 'node-cache', image: 'dns/k8s-dns-node-cache:1.23.1', args: [`-localip=${address},10.96.0.10`] }]);

export const dnsPod = (name = 'coredns-1', ip = '10.244.9.10'): KubeObject =>
  pod('kube-system', name, {
    labels: { 'k8s-app': 'kube-dns' },
    ip,
    node: 'node-b',
    ports: [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ],
  });

export const ingressNginx = (name = 'ingress-nginx-controller-5d8', ip = '10.244.8.5'): KubeObject =>
  pod('ingress-nginx', name, { labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ip, node: 'node-b', ports: [{ name: 'http', containerPort: 80 }] });

/** A policy that isolates every pod of a namespace in the given directions and allows nothing. */
export const denyAll = (namespace: string, types: string[] = ['Ingress'], name = 'default-deny'): KubeObject => kube({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector: {}, policyTypes: types } });
