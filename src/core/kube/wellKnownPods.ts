import type { Pod } from '../../shared/kube';

/**
 * Pods that every namespace depends on: the Ingress controllers, the Gateway data planes, the
 * cluster DNS, and the agents that set up each Node's network (the CNI, kube-proxy). The runner
 * keeps them as pods change, so a rule that needs them does not walk every pod of the cluster.
 */
export type PodRole = 'ingress-controller' | 'gateway' | 'dns' | 'node-network';

export const POD_ROLES: readonly PodRole[] = ['ingress-controller', 'gateway', 'dns', 'node-network'];

/** The `app.kubernetes.io/name` (or `app`) of the common Ingress controllers' pods, as their charts set it. */
export const INGRESS_CONTROLLER_NAMES: readonly string[] = ['ingress-nginx', 'nginx-ingress', 'traefik', 'haproxy-ingress', 'contour', 'envoy', 'kong', 'ingress-controller', 'aws-load-balancer-controller'];

/** Labels that tie a data-plane pod to its Gateway (the spec's own, Istio's, Envoy Gateway's). */
export const GATEWAY_POD_LABELS: readonly string[] = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name', 'gateway.envoyproxy.io/owning-gateway-name'];

/** DaemonSets that set up Node networking: CNIs and kube-proxy. */
const NODE_NETWORK_DAEMONSETS = /^(kube-proxy|calico-node|canal|cilium|kube-flannel-ds|flannel|aws-node|kindnet|weave-net|antrea-agent|kube-router|azure-cns|azure-npm|anetd|netd)$/;

export function podRole(pod: Pod): PodRole | undefined {
  const labels = pod.metadata.labels ?? {};
  const app = labels['app.kubernetes.io/name'] ?? labels.app ?? '';
  // Gateway labels first: Envoy Gateway's proxies are also named `envoy`, like Contour's Ingress data plane.
  if (GATEWAY_POD_LABELS.some((l) => labels[l] !== undefined)) return 'gateway';
  if (INGRESS_CONTROLLER_NAMES.includes(app)) return 'ingress-controller';
  if (pod.metadata.namespace === 'kube-system' && (labels['k8s-app'] === 'kube-dns' || labels['k8s-app'] === 'coredns')) return 'dns';
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (owner?.kind === 'DaemonSet' && NODE_NETWORK_DAEMONSETS.test(owner.name)) return 'node-network';
  return undefined;
}
