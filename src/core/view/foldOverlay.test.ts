import { describe, expect, it } from 'vitest';
import { synthesizeOfflineState } from '../offline/synthesizeOfflineState';
import { PolicyEngine } from '../policy/PolicyEngine';
import { policyOverlay } from '../policy/policyOverlay';
import { namespace, networkPolicy, pod, service } from '../testing/manifests';
import { buildTopology } from '../topology/buildTopology';
import { foldOverlay } from './foldOverlay';
import { projectView } from './projectView';

const owned = (name: string, app: string) => pod('shop', name, { labels: { app }, ip: `10.0.0.${name.length}${name.at(-1)}`, ports: [{ name: 'http', containerPort: 8080 }], owner: { kind: 'ReplicaSet', name: `${app}-rs` } });
const state = synthesizeOfflineState([
  namespace('shop'),
  owned('web-1', 'web'),
  owned('web-2', 'web'),
  owned('db-1', 'db'),
  service('shop', 'db', { selector: { app: 'db' }, ports: [{ port: 5432, targetPort: 'http' }] }),
  // db takes traffic from nobody: its only endpoint is denied at the targetPort.
  networkPolicy('shop', 'db-locked', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }),
]);
const topology = buildTopology(state);
const overlay = policyOverlay(new PolicyEngine(state.objects), topology);

describe('foldOverlay', () => {
  it('counts the isolated pods of each folded aggregate, and keeps the marks of what is drawn', () => {
    const view = projectView(topology, { level: 'cluster' });
    const folded = foldOverlay(topology, view, overlay);
    expect(folded.aggregates).toEqual({ 'Namespace/shop': { ingress: 1, egress: 0 } });
    expect(folded.pods).toEqual({});
    expect(folded.policies.find((p) => p.id === 'NetworkPolicy/shop/db-locked')?.selects).toEqual(['Namespace/shop']);
  });

  it('gives a joined edge the strictest verdict of the edges it stands for', () => {
    const view = projectView(topology, { level: 'namespace' });
    const folded = foldOverlay(topology, view, overlay);
    expect(folded.aggregates).toEqual({ 'ReplicaSet/shop/db-rs': { ingress: 1, egress: 0 } });
    const joined = view.edges.find((e) => e.source === 'Service/shop/db' && e.target === 'ReplicaSet/shop/db-rs')!;
    expect(folded.edges[joined.id]).toMatchObject({ verdict: 'denied' });
  });

  it('leaves the layer as it is when everything is drawn', () => {
    const view = projectView(topology, { level: 'full' });
    const folded = foldOverlay(topology, view, overlay);
    expect(folded.pods).toEqual(overlay.pods);
    expect(folded.edges).toEqual(overlay.edges);
    expect(folded.aggregates).toEqual({});
  });
});
