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
const NODE_NETWORK_DAEMONSETS: ReadonlySet<string> = new Set(['kube-proxy', 'calico-node', 'canal', 'cilium', 'kube-flannel-ds', 'flannel', 'aws-node', 'kindnet', 'weave-net', 'antrea-agent', 'kube-router', 'azure-cns', 'azure-npm', 'anetd', 'netd']);

const INGRESS_CONTROLLERS: ReadonlySet<string> = new Set(INGRESS_CONTROLLER_NAMES);
const [GATEWAY_LABEL, ISTIO_GATEWAY_LABEL, ENVOY_GATEWAY_LABEL] = GATEWAY_POD_LABELS;

/** Called for every pod of the cluster: plain look-ups, no closures or regular expressions. */
export function podRole(pod: Pod): PodRole | undefined {
  const labels = pod.metadata.labels;
  if (labels) {
    // Gateway labels first: Envoy Gateway's proxies are also named `envoy`, like Contour's Ingress data plane.
    if (labels[GATEWAY_LABEL] !== undefined || labels[ISTIO_GATEWAY_LABEL] !== undefined || labels[ENVOY_GATEWAY_LABEL] !== undefined) return 'gateway';
    const app = labels['app.kubernetes.io/name'] ?? labels.app;
    if (app !== undefined && INGRESS_CONTROLLERS.has(app)) return 'ingress-controller';
    const k8sApp = labels['k8s-app'];
    if ((k8sApp === 'kube-dns' || k8sApp === 'coredns') && pod.metadata.namespace === 'kube-system') return 'dns';
  }
  const owners = pod.metadata.ownerReferences;
  if (!owners || owners.length === 0) return undefined;
  let owner = owners[0];
  for (const o of owners) {
    if (o.controller) {
      owner = o;
      break;
    }
  }
  return owner.kind === 'DaemonSet' && NODE_NETWORK_DAEMONSETS.has(owner.name) ? 'node-network' : undefined;
}
