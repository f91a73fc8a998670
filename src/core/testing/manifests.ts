/** Small builders of raw Kubernetes manifests for the core's tests, stripped as a server's objects would be. */
import type { KubeObject } from '../../shared/kube';
import { stripObject } from '../kube/strip';

export function kube(raw: Record<string, unknown>): KubeObject {
  const object = stripObject(raw);
  if (!object) throw new Error(`test fixture of kind ${String(raw.kind)} is not a kind Strata reads`);
  return object;
}

interface PodOptions {
  labels?: Record<string, string>;
  node?: string;
  ip?: string;
  ready?: boolean;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  owner?: { kind: string; name: string };
  deleting?: boolean;
  hostNetwork?: boolean;
}

export function pod(namespace: string, name: string, options: PodOptions = {}): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: options.labels ?? {},
      ...(options.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...options.owner, controller: true, uid: 'u' }] } : {}),
      ...(options.deleting ? { deletionTimestamp: '2026-11-23T02:13:00Z' } : {}),
    },
    spec: { nodeName: options.node, hostNetwork: options.hostNetwork, containers: [{ name: 'app', image: 'app:1', ports: options.ports ?? [] }] },
    status: {
      phase: 'Running',
      podIP: options.ip,
      podIPs: options.ip ? [{ ip: options.ip }] : [],
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  });
}

export function service(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return kube({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: '10.96.0.10', ...spec } });
}

export function node(name: string, address = '192.168.0.2', labels: Record<string, string> = {}): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: { addresses: [{ type: 'InternalIP', address }], conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

export function deployment(namespace: string, name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number }[] = []): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: `${name}:1`, ports }] } } },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return kube({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

export function networkPolicy(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return kube({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
}

export function adminNetworkPolicy(name: string, spec: Record<string, unknown>): KubeObject {
  return kube({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec });
}

export function baselineAdminNetworkPolicy(spec: Record<string, unknown>, name = 'default'): KubeObject {
  return kube({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name }, spec });
}
