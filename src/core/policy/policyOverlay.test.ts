import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { idOf, type KubeObject } from '../../shared/kube';
import type { ObservedTraffic, Topology, TopologyEdge } from '../../shared/model';
import { applyStep, changeStep, clusterObject } from '../testing/randomCluster';
import { buildTopology } from '../topology/buildTopology';
import { IncrementalTopology } from '../topology/IncrementalTopology';
import { kube, namespace, networkPolicy, pod, service } from '../testing/manifests';
import { PolicyEngine } from './PolicyEngine';
import { PolicyOverlayCache, policyOverlay } from './policyOverlay';

const objects = [
  namespace('app'),
  pod('app', 'web-1', { labels: { app: 'web' }, ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] }),
  pod('app', 'db-1', { labels: { app: 'db' }, ip: '10.0.0.2', ports: [{ name: 'pg', containerPort: 5432 }] }),
  pod('app', 'cache-1', { labels: { app: 'cache' }, ip: '10.0.0.3', ports: [{ name: 'redis', containerPort: 6379 }] }),
  pod('app', 'client', { labels: { app: 'client' }, ip: '10.0.0.9' }),
  service('app', 'web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }),
  service('app', 'db', { selector: { app: 'db' }, ports: [{ port: 5432, targetPort: 'pg' }] }),
  service('app', 'cache', { selector: { app: 'cache' }, ports: [{ port: 6379, targetPort: 6379 }] }),
  networkPolicy('app', 'db-from-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
  networkPolicy('app', 'cache-locked', { podSelector: { matchLabels: { app: 'cache' } }, policyTypes: ['Ingress'] }),
  kube({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-x', namespace: 'app', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', ports: [{ port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-1', namespace: 'app' } }] }),
  kube({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'db-x', namespace: 'app', labels: { 'kubernetes.io/service-name': 'db' } }, addressType: 'IPv4', ports: [{ port: 5432, protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.2'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'db-1', namespace: 'app' } }] }),
  kube({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'cache-x', namespace: 'app', labels: { 'kubernetes.io/service-name': 'cache' } }, addressType: 'IPv4', ports: [{ port: 6379, protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.3'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'cache-1', namespace: 'app' } }] }),
];

const observed = (source: string, target: string, port: number, verdict: 'FORWARDED' | 'DROPPED', dropReasons: string[] = [], suffix = ''): TopologyEdge => ({
  id: `observed:${source}->${target}#${verdict.toLowerCase()}${suffix}`,
  source,
  target,
  type: 'observed',
  ports: [{ containerPort: port, protocol: 'TCP' }],
  problems: [],
  observed: { verdict, counts: { [verdict]: 3 }, count: 3, ratePerSecond: 0.01, dropReasons, policies: [], services: [], first: 0, last: 1 } satisfies ObservedTraffic,
});

describe('the Policies layer', () => {
  const engine = new PolicyEngine(objects);
  const base = buildTopology({ objects });
  const topology: Topology = {
    nodes: base.nodes,
    edges: [
      ...base.edges,
      observed('Pod/app/client', 'Pod/app/db-1', 5432, 'FORWARDED'),
      observed('Pod/app/web-1', 'Pod/app/db-1', 5432, 'DROPPED', ['POLICY_DENIED']),
      observed('Pod/app/web-1', 'Pod/app/db-1', 5432, 'DROPPED', ['SERVICE_BACKEND_NOT_FOUND'], '-other'),
      observed('Pod/app/client', 'Pod/app/web-1', 8080, 'FORWARDED'),
    ],
  };
  const overlay = policyOverlay(engine, topology);
  const backend = (pod: string) => Object.entries(overlay.edges).find(([id]) => id.startsWith('slice-endpoint:') && id.includes(`->Pod/app/${pod}`))?.[1];

  it('marks isolated pods and judges each backend edge at its targetPort: open, restricted or denied', () => {
    expect(overlay.pods['Pod/app/db-1']).toEqual({ ingress: true, egress: false, policies: ['NetworkPolicy/app/db-from-web'] });
    expect(overlay.pods['Pod/app/web-1']).toBeUndefined();
    expect(backend('web-1')).toMatchObject({ verdict: 'open' });
    expect(backend('db-1')).toMatchObject({ verdict: 'restricted' });
    expect(backend('cache-1')).toEqual({ verdict: 'denied', explanation: 'isolated for ingress by NetworkPolicy/app/cache-locked, and no rule allows TCP 6379 from anyone: the Service sends traffic here that policies drop' });
    expect(overlay.policies.find((p) => p.id === 'NetworkPolicy/app/db-from-web')).toEqual({ id: 'NetworkPolicy/app/db-from-web', kind: 'NetworkPolicy', selects: ['Pod/app/db-1'], allows: ['Pod/app/web-1'], problems: [] });
  });

  it('flags observed flows where Hubble disagrees with the policies, with the likely reason', () => {
    const edge = (id: string) => overlay.edges[id];
    expect(edge('observed:Pod/app/client->Pod/app/db-1#forwarded')).toMatchObject({ verdict: 'denied', mismatch: expect.stringContaining('a CNI that does not enforce NetworkPolicy (Flannel)') });
    expect(edge('observed:Pod/app/web-1->Pod/app/db-1#dropped')).toMatchObject({ verdict: 'allowed', mismatch: expect.stringContaining('CiliumNetworkPolicy') });
    // With a recorded policy change while the traffic was seen, that is the reason given.
    const withChange = policyOverlay(engine, topology, [{ id: 'NetworkPolicy/app/db-from-web', t: 1 }]);
    expect(withChange.edges['observed:Pod/app/client->Pod/app/db-1#forwarded'].mismatch).toBe(
      'Hubble forwarded it while NetworkPolicies deny it now: a policy changed while this traffic was observed (NetworkPolicy/app/db-from-web at 1970-01-01T00:00:00.001Z)',
    );
    // A drop for another reason than policy is no disagreement.
    expect(edge('observed:Pod/app/web-1->Pod/app/db-1#dropped-other').mismatch).toBeUndefined();
    expect(edge('observed:Pod/app/client->Pod/app/web-1#forwarded')).toEqual({ verdict: 'allowed', explanation: 'policies allow TCP 8080 from app/client' });
  });

  it('judges again only the pods that changed while the policies stay the same objects, and every pod when one changes', () => {
    const cache = new PolicyOverlayCache();
    const incremental = new IncrementalTopology();
    incremental.update({ objects });
    policyOverlay(new PolicyEngine(objects), incremental.topology(), [], cache);
    const judgedBy = (engine: PolicyEngine) => {
      const isolation = vi.spyOn(engine, 'isolation');
      return () => [...new Set(isolation.mock.calls.map(([pod]) => pod.metadata.name))].sort();
    };
    // web-1 is relabelled: a new object; the others stay the same objects.
    const web = objects.find((o) => o.kind === 'Pod' && o.metadata.name === 'web-1')!;
    const relabelled = { ...web, metadata: { ...web.metadata, labels: { app: 'web', tier: 'front' } } } as KubeObject;
    const next = objects.map((o) => (o === web ? relabelled : o));
    incremental.apply([{ type: 'modified', key: idOf(web), object: relabelled }]);
    const engine = new PolicyEngine(next);
    const judged = judgedBy(engine);
    const kept = policyOverlay(engine, incremental.topology(), [], cache);
    expect(judged()).toEqual(['web-1']);
    expect(kept).toEqual(policyOverlay(new PolicyEngine(next), incremental.topology()));
    // A policy changes: every pod is judged again.
    const policy = next.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'cache-locked')!;
    const unlocked = networkPolicy('app', 'cache-locked', { podSelector: { matchLabels: { app: 'cache' } }, ingress: [{}] });
    const after = next.map((o) => (o === policy ? unlocked : o));
    const again = new PolicyEngine(after);
    const judgedAgain = judgedBy(again);
    const layer = policyOverlay(again, incremental.topology(), [], cache);
    expect(judgedAgain()).toEqual(['cache-1', 'client', 'db-1', 'web-1']);
    expect(layer.edges[Object.keys(layer.edges).find((id) => id.includes('->Pod/app/cache-1'))!]).toMatchObject({ verdict: 'open' });
  });

  it('gives, from one state to the next with its cache, the layer a fresh one gives', () => {
    // The random clusters with NetworkPolicies among their objects, which come, change and go.
    const app = fc.constantFrom('web', 'api', 'db');
    const policy = fc.record({ ns: fc.constantFrom('a', 'b', 'c'), name: fc.constantFrom('p1', 'p2'), app, from: fc.option(app), port: fc.constantFrom(8080, 9090, 'http') }).map((p) =>
      networkPolicy(p.ns, p.name, { podSelector: { matchLabels: { app: p.app } }, ingress: p.from ? [{ from: [{ podSelector: { matchLabels: { app: p.from } } }], ports: [{ port: p.port }] }] : [] }),
    );
    // Namespaces relabelled, which a namespaceSelector reads; pods on their Node's network.
    const labelled = fc.record({ ns: fc.constantFrom('a', 'b', 'c'), team: fc.constantFrom('x', 'y') }).map(({ ns, team }) => namespace(ns, { team }));
    const fromTeam = fc.record({ ns: fc.constantFrom('a', 'b', 'c'), app, team: fc.constantFrom('x', 'y') }).map((p) =>
      networkPolicy(p.ns, 'from-team', { podSelector: { matchLabels: { app: p.app } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: p.team } } }] }], egress: [], policyTypes: ['Ingress', 'Egress'] }),
    );
    const onHost = fc.record({ ns: fc.constantFrom('a', 'b', 'c'), app, i: fc.integer({ min: 0, max: 3 }) }).map(({ ns, app, i }) => {
      const base = pod(ns, `${app}-${i}`, { labels: { app }, ip: `10.0.0.${i}`, ports: [{ name: 'http', containerPort: 8080 }] });
      return { ...base, spec: { ...(base as { spec: object }).spec, hostNetwork: true } } as KubeObject;
    });
    const object = fc.oneof(clusterObject, policy, labelled, fromTeam, onHost);
    const step = fc.oneof(changeStep, fc.record({ put: fc.array(object, { minLength: 1, maxLength: 6 }) }));
    fc.assert(
      fc.property(fc.array(object, { maxLength: 25 }), fc.array(step, { maxLength: 8 }), (initial, steps) => {
        const state = new Map<string, KubeObject>(initial.map((o) => [idOf(o), o]));
        const incremental = new IncrementalTopology();
        incremental.update({ objects: [...state.values()] });
        const cache = new PolicyOverlayCache();
        policyOverlay(new PolicyEngine(state.values()), incremental.topology(), [], cache);
        for (const s of steps) {
          incremental.apply(applyStep(state, s));
          const kept = policyOverlay(new PolicyEngine(state.values()), incremental.topology(), [], cache);
          expect(kept).toEqual(policyOverlay(new PolicyEngine(state.values()), incremental.topology()));
        }
      }),
      { numRuns: 150, seed: 20261202 },
    );
  });
});
