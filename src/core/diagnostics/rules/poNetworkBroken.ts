import type { Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { addTo, byPodName, oncePerCheck } from './pods';

/**
 * A pod whose network the CNI should have set up: observed (not made up from manifests), Running,
 * on the pod network, not on its way out. Finished pods keep IPs that may already be reused.
 */
const onPodNetwork = (pod: Pod) => !pod.synthesized && !pod.spec.hostNetwork && pod.status.phase === 'Running' && !pod.metadata.deletionTimestamp;

/** The namespace's pods on the pod network, by IP, by name. */
const podsByIp = oncePerCheck((context) => {
  const byIp = new Map<string, Pod[]>();
  for (const pod of context.inNamespace('Pod')) {
    if (onPodNetwork(pod)) for (const ip of pod.status.podIPs) addTo(byIp, ip, pod);
  }
  for (const pods of byIp.values()) if (pods.length > 1) pods.sort(byPodName);
  return byIp;
});

const onNode = (pod: Pod) => (pod.spec.nodeName ? ` on Node ${pod.spec.nodeName}` : '');

export const poNetworkBroken = defineRule({
  id: 'po.network.broken',
  severity: 'error',
  layer: 'pods',
  title: 'Pod network not set up',
  subject: 'Pod',
  hint: 'Check the CNI and its IP address management on that Node.',
  doc: {
    condition:
      'A Running pod that is not on the host network has no pod IP, or shares its pod IP with another Running pod of its namespace that is not on the host network (an IPAM fault: traffic for one reaches the other). A shared IP gives one finding, on the first pod by name, naming the others. Pods made up from manifests are not checked.',
    example: 'Pod shop/cart-7f9c-x2kq on Node worker-2 shares pod IP 10.244.2.17 with Pod shop/search-5d8b-q4wz.',
    anchors:
      'k8sgpt reports the FailedCreatePodSandBox event text only. Strata checks the pod status itself. Limits: duplicates across namespaces are not found, since that would need every pod of the cluster on every check; Events are not kept, so a pod stuck Pending on FailedCreatePodSandBox is not reported here.',
  },
  check(pod, context) {
    if (!onPodNetwork(pod)) return undefined;
    if (pod.status.podIPs.length === 0) {
      return {
        message: `${describe(pod)}${onNode(pod)} is Running but has no pod IP.`,
        evidence: [
          { field: `${describe(pod)} status.phase`, value: 'Running' },
          { field: `${describe(pod)} status.podIPs`, value: '(none)' },
        ],
        hint: `Check the CNI pod on ${pod.spec.nodeName ? `Node ${pod.spec.nodeName}` : 'its Node'} and its logs; recreate the pod once the network is back.`,
        objects: pod.spec.nodeName ? [`Node/${pod.spec.nodeName}`] : [],
        detail: 'no-ip',
      };
    }
    const drafts: FindingDraft[] = [];
    for (const ip of pod.status.podIPs) {
      const sharing = podsByIp(context).get(ip) ?? [];
      if (sharing.length < 2 || sharing[0].metadata.name !== pod.metadata.name) continue;
      const others = sharing.slice(1);
      const nodes = [...new Set(sharing.map((p) => p.spec.nodeName).filter((n): n is string => !!n))];
      drafts.push({
        message: `${describe(pod)}${onNode(pod)} shares pod IP ${ip} with ${others.map((p) => `${describe(p)}${p.spec.nodeName !== pod.spec.nodeName ? onNode(p) : ''}`).join(', ')}.`,
        evidence: sharing.map((p) => ({ field: `${describe(p)} status.podIPs`, value: p.status.podIPs.join(', ') })),
        hint: `Check the CNI's IP address management${nodes.length ? ` on ${nodes.map((n) => `Node ${n}`).join(' and ')}` : ''}; recreate one of the pods to get a fresh IP.`,
        objects: [...others.map(idOf), ...nodes.map((n) => `Node/${n}`)],
        detail: `ip:${ip}`,
      });
    }
    return drafts;
  },
});
