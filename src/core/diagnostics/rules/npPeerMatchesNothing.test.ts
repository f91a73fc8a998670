import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { kube, namespace, networkPolicy, pod } from '../../testing/manifests';
import { npPeerMatchesNothing } from './npPeerMatchesNothing';

const shop = namespace('shop');
const monitoring = namespace('monitoring');
const web = pod('shop', 'web-1', { labels: { app: 'web' } });
const prometheus = pod('monitoring', 'prometheus-0', { labels: { app: 'prometheus' } });
const fromPeer = (peer: Record<string, unknown>) => networkPolicy('shop', 'allow-prom', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [peer] }] });

describe('np.peer-matches-nothing', () => {
  it('catches {name: X} when namespaces only carry kubernetes.io/metadata.name, and says which label to use', () => {
    const findings = findingsOf(npPeerMatchesNothing, [shop, monitoring, web, prometheus, fromPeer({ namespaceSelector: { matchLabels: { name: 'monitoring' } } })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'np.peer-matches-nothing', severity: 'warning', layer: 'policy', key: 'np.peer-matches-nothing|NetworkPolicy/shop/allow-prom|spec.ingress[0].from[0].namespaceSelector' });
    expect(findings[0].message).toContain('spec.ingress[0].from[0].namespaceSelector name=monitoring matches no Namespace');
    expect(findings[0].message).toContain('select it with kubernetes.io/metadata.name=monitoring');
    expect(findings[0].objects).toEqual(['NetworkPolicy/shop/allow-prom', 'Namespace/monitoring']);
  });

  it('reports a namespaceSelector that matches no Namespace with matchExpressions, and is info when some Namespace labels are unknown', () => {
    const peer = { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['obs'] }] } };
    const [finding] = findingsOf(npPeerMatchesNothing, [shop, monitoring, web, fromPeer(peer)]);
    expect(finding.message).toContain('team In (obs) matches none of the 2 Namespaces');
    const referenced = { ...namespace('monitoring'), synthesized: true } as typeof monitoring;
    expect(findingsOf(npPeerMatchesNothing, [shop, referenced, web, fromPeer(peer)])[0].severity).toBe('info');
  });

  it('reports a peer podSelector that matches no pod in the selected namespaces', () => {
    const peer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus-server' } } };
    const [finding] = findingsOf(npPeerMatchesNothing, [shop, monitoring, web, prometheus, fromPeer(peer)]);
    expect(finding.message).toBe('NetworkPolicy shop/allow-prom spec.ingress[0].from[0].podSelector app=prometheus-server matches no pod in namespaces monitoring, so this peer admits nothing.');
    expect(finding.key).toContain('from[0].podSelector');
  });

  it('reports an egress podSelector-only peer that matches only hostNetwork pods of the own namespace', () => {
    const policy = networkPolicy('shop', 'to-agent', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'agent' } } }] }] });
    const [finding] = findingsOf(npPeerMatchesNothing, [shop, policy, pod('shop', 'agent-x', { labels: { app: 'agent' }, hostNetwork: true })]);
    expect(finding.message).toContain('spec.egress[0].to[0].podSelector app=agent matches only hostNetwork pods in namespace shop (shop/agent-x)');
  });

  it('does not fire when the peers match, for empty selectors, ipBlocks, workloads whose pods come later, or without a Namespace list', () => {
    const good = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } };
    expect(findingsOf(npPeerMatchesNothing, [shop, monitoring, web, prometheus, fromPeer(good)])).toEqual([]);
    expect(findingsOf(npPeerMatchesNothing, [shop, monitoring, web, fromPeer({ namespaceSelector: {} })])).toEqual([]);
    expect(findingsOf(npPeerMatchesNothing, [shop, web, fromPeer({ ipBlock: { cidr: '10.0.0.0/8' } })])).toEqual([]);
    const cron = kube({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup', namespace: 'shop' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { metadata: { labels: { app: 'backup' } }, spec: { containers: [{ name: 'b' }] } } } } } });
    expect(findingsOf(npPeerMatchesNothing, [shop, web, cron, fromPeer({ podSelector: { matchLabels: { app: 'backup' } } })])).toEqual([]);
    // Near miss: with the Namespace in the list, {name: monitoring} is caught; without any Namespace objects nothing is said.
    expect(findingsOf(npPeerMatchesNothing, [web, prometheus, fromPeer({ namespaceSelector: { matchLabels: { name: 'monitoring' } } })])).toEqual([]);
  });
});
