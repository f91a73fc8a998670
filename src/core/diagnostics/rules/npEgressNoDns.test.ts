import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf } from '../../testing/diagnostics';
import { kube, namespace, networkPolicy, pod } from '../../testing/manifests';
import { calico, denyAll, dnsPod, nodeLocalDns } from '../../testing/networkPolicies';
import { npEgressNoDns } from './npEgressNoDns';

const replicaSet = kube({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'cart-7f9c', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', controller: true, uid: 'd' }] }, spec: { selector: { matchLabels: { app: 'cart' } }, template: { metadata: { labels: { app: 'cart' } }, spec: { containers: [{ name: 'cart' }] } } } });
const cartPod = (name: string) => pod('shop', name, { labels: { app: 'cart' }, ip: `10.244.1.${name.length}`, node: 'node-a', owner: { kind: 'ReplicaSet', name: 'cart-7f9c' } });
const base: KubeObject[] = [namespace('shop'), namespace('kube-system'), replicaSet, cartPod('cart-7f9c-a'), cartPod('cart-7f9c-bb'), dnsPod()];

const toDb = { to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] };
const toKubeDns = (protocols: string[]) => ({
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: protocols.map((protocol) => ({ protocol, port: 53 })),
});
const egress = (name: string, rules: Record<string, unknown>[]) => networkPolicy('shop', name, { podSelector: { matchLabels: { app: 'cart' } }, policyTypes: ['Egress'], egress: rules });

describe('np.egress.no-dns', () => {
  it('fires once per workload when egress isolation leaves out DNS, naming both protocols and the deciding policy', () => {
    const findings = findingsOf(npEgressNoDns, [...base, calico(), egress('egress-allowlist', [toDb])]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'np.egress.no-dns', severity: 'error', layer: 'policy', key: 'np.egress.no-dns|Deployment/shop/cart' });
    expect(findings[0].message).toContain('Deployment shop/cart (2 pods, e.g. Pod shop/cart-7f9c-a) cannot reach cluster DNS on UDP and TCP 53');
    expect(findings[0].message).toContain('isolated for egress by NetworkPolicy/shop/egress-allowlist');
    expect(findings[0].objects).toEqual(['Deployment/shop/cart', 'NetworkPolicy/shop/egress-allowlist', 'Pod/kube-system/coredns-1']);
  });

  it('keeps the key when the pods are replaced', () => {
    const policy = egress('egress-allowlist', [toDb]);
    const before = findingsOf(npEgressNoDns, [...base, calico(), policy]);
    const after = findingsOf(npEgressNoDns, [...base.filter((o) => o.metadata.name !== 'cart-7f9c-a'), cartPod('cart-7f9c-ccc'), calico(), policy]);
    expect(after.map((f) => f.key)).toEqual(before.map((f) => f.key));
  });

  it('is a warning when only TCP 53 is missing, and when enforcement is not known', () => {
    const [tcp] = findingsOf(npEgressNoDns, [...base, calico(), egress('egress-allowlist', [toDb, toKubeDns(['UDP'])])]);
    expect(tcp.severity).toBe('warning');
    expect(tcp.message).toContain('cannot reach cluster DNS on TCP 53, so answers too large for UDP fail');
    expect(findingsOf(npEgressNoDns, [...base, egress('egress-allowlist', [toDb])])[0].severity).toBe('warning');
  });

  it('reports a workload once even when two policies isolate it', () => {
    const findings = findingsOf(npEgressNoDns, [...base, calico(), egress('b-second', [toDb]), egress('a-first', [toDb])]);
    expect(findings).toHaveLength(1);
    expect(findings[0].objects.slice(0, 2)).toEqual(['Deployment/shop/cart', 'NetworkPolicy/shop/a-first']);
  });

  it('accepts the NodeLocal DNSCache address when the profile shows one', () => {
    const toNodeLocal = { to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };
    expect(findingsOf(npEgressNoDns, [...base, calico(), nodeLocalDns(), egress('egress-allowlist', [toDb, toNodeLocal])])).toEqual([]);
    const [finding] = findingsOf(npEgressNoDns, [...base, calico(), egress('egress-allowlist', [toDb, toNodeLocal])]);
    expect(finding.message).toContain('cannot reach cluster DNS on UDP and TCP 53');
    expect(findingsOf(npEgressNoDns, [...base, calico(), nodeLocalDns(), egress('egress-allowlist', [toDb])])[0].message).toContain('or NodeLocal DNSCache at 169.254.20.10');
  });

  it('says info, not error, for pods sealed on purpose (no egress allowed at all)', () => {
    const [finding] = findingsOf(npEgressNoDns, [...base, calico(), denyAll('shop', ['Egress'], 'sealed')]);
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain('has no egress allowed at all');
  });

  it('does not fire when DNS is allowed on both protocols, to everything, without egress isolation, or without DNS pods', () => {
    expect(findingsOf(npEgressNoDns, [...base, calico(), egress('egress-allowlist', [toDb, toKubeDns(['UDP', 'TCP'])])])).toEqual([]);
    expect(findingsOf(npEgressNoDns, [...base, calico(), egress('egress-allowlist', [toDb, { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }])])).toEqual([]);
    expect(findingsOf(npEgressNoDns, [...base, calico(), denyAll('shop', ['Ingress'])])).toEqual([]);
    expect(findingsOf(npEgressNoDns, [...base.filter((o) => o.metadata.namespace !== 'kube-system'), calico(), egress('egress-allowlist', [toDb])])).toEqual([]);
  });
});
