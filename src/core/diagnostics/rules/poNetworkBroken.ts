import type { Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { fingerprint, surelyDistinct } from '../../kube/NamespaceParts';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { byPodName, oncePerCheck } from './pods';

/**
 * A pod whose network the CNI should have set up: observed (not made up from manifests), Running,
 * on the pod network, not on its way out. Finished pods keep IPs that may already be reused.
 */
const onPodNetwork = (pod: Pod) => !pod.synthesized && !pod.spec.hostNetwork && pod.status.phase === 'Running' && !pod.metadata.deletionTimestamp;

/** What is wrong with the namespace's pod network: pods on it that share an IP, by IP, by name; whether one has none. */
interface PodNetwork {
  sharing: ReadonlyMap<string, Pod[]>;
  anyWithoutIp: boolean;
}

/**
 * The namespace's pod network, found once per check. Most namespaces have no shared IP, told by
 * the IPs' fingerprints without a map of every IP; then only the first holder of each IP is noted
 * until a second one turns up.
 */
const podNetwork = oncePerCheck((context): PodNetwork => {
  const pods = context.inNamespace('Pod').filter(onPodNetwork);
  const fingerprints: number[] = [];
  let anyWithoutIp = false;
  for (const pod of pods) {
    const ips = pod.status.podIPs;
    if (ips.length === 0) anyWithoutIp = true;
    for (const ip of ips) fingerprints.push(fingerprint(ip));
  }
  if (surelyDistinct(fingerprints)) return { sharing: new Map(), anyWithoutIp };
  const holder = new Map<string, Pod>();
  const sharing = new Map<string, Pod[]>();
  for (const pod of pods) {
    for (const ip of pod.status.podIPs) {
      const first = holder.get(ip);
      if (first === undefined) holder.set(ip, pod);
      else {
        const holders = sharing.get(ip);
        if (holders) holders.push(pod);
        else sharing.set(ip, [first, pod]);
      }
    }
  }
  for (const holders of sharing.values()) holders.sort(byPodName);
  return { sharing, anyWithoutIp };
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
    const network = podNetwork(context);
    // The common case, told once for the namespace: no pod is left without an IP or shares one.
    if (network.sharing.size === 0 && !network.anyWithoutIp) return undefined;
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
      const sharing = network.sharing.get(ip);
      if (!sharing || sharing[0].metadata.name !== pod.metadata.name) continue;
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
