/**
 * Property test: on random small clusters with random NetworkPolicies, the engine (and the
 * workload connectivity list built on it) agrees with a brute-force oracle written here, apart
 * from the engine, that checks every pod pair on every port that matters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import { namespace, networkPolicy, pod } from '../testing/manifests';
import { workloadConnectivity } from './connectivity';
import { PolicyEngine } from './PolicyEngine';

type Labels = Record<string, string>;
type Selector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: readonly string[] }[] };
interface RawPort { protocol?: string; port?: number | string; endPort?: number }
interface RawPeer { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: readonly string[] } }
interface RawRule { peers?: RawPeer[]; ports?: RawPort[] }
interface RawPolicy { namespace: string; podSelector: Selector; policyTypes?: string[]; ingress?: RawRule[]; egress?: RawRule[] }
interface RawPod { namespace: string; labels: Labels; httpPort: number; ip: string }

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const PORTS_TO_CHECK = [1, 53, 79, 80, 81, 82, 443, 65535];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
/** Outside every pod: inside the generated ipBlock, inside its except, and outside it. */
const EXTERNAL_ADDRESSES = ['10.1.0.0', '10.1.0.7', '10.2.0.1'];

const labels = fc.record({ app: fc.constantFrom('a', 'b'), tier: fc.constantFrom('x', 'y') }, { requiredKeys: [] });
const selector: fc.Arbitrary<Selector> = fc.oneof(
  fc.constant({}),
  labels.map((l) => ({ matchLabels: l })),
  fc.record({ key: fc.constantFrom('app', 'tier', 'team'), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), values: fc.constantFrom(['a'], ['b', 'y'], ['x']) }).map((e) => ({
    matchExpressions: [e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : e],
  })),
);
const port: fc.Arbitrary<RawPort> = fc.oneof(
  fc.record({ port: fc.constantFrom(53, 80, 81, 443) }, { requiredKeys: ['port'] }).chain((p) => fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }, { requiredKeys: [] }).map((x) => ({ ...p, ...x }))),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.constant({ port: 80, endPort: 82 }),
  fc.constant({ port: 'http' }),
  fc.constant({ port: 'http', protocol: 'UDP' }),
);
const peer: fc.Arbitrary<RawPeer> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  fc.constantFrom({ ipBlock: { cidr: '10.1.0.0/29' } }, { ipBlock: { cidr: '10.1.0.0/29', except: ['10.1.0.4/30'] } }),
);
const rule: fc.Arbitrary<RawRule> = fc.record({ peers: fc.array(peer, { maxLength: 2 }), ports: fc.array(port, { maxLength: 2 }) }, { requiredKeys: [] });
const policy: fc.Arbitrary<RawPolicy> = fc.record(
  {
    namespace: fc.constantFrom(...NAMESPACES),
    podSelector: selector,
    policyTypes: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
    ingress: fc.array(rule, { maxLength: 2 }),
    egress: fc.array(rule, { maxLength: 2 }),
  },
  { requiredKeys: ['namespace', 'podSelector'] },
);
const cluster = fc.record({
  namespaceLabels: fc.tuple(labels, labels, labels),
  pods: fc.array(fc.record({ namespace: fc.constantFrom(...NAMESPACES), labels, httpPort: fc.constantFrom(80, 81, 443) }), { minLength: 2, maxLength: 6 }),
  policies: fc.array(policy, { maxLength: 4 }),
  ipBlockMatchesPods: fc.boolean(),
});

// ---- the oracle: the reference rules, read directly, one (pair, protocol, port) at a time ----
function oracleMatches(have: Labels, s: Selector): boolean {
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const present = k(have, e.key);
    if (e.operator === 'In' && !(present && e.values!.includes(have[e.key]))) return false;
    if (e.operator === 'NotIn' && present && e.values!.includes(have[e.key])) return false;
    if (e.operator === 'Exists' && !present) return false;
    if (e.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}
const k = (o: Labels, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const ipNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const inCidr = (ip: string, cidr: string) => {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipNumber(ip) / size) === Math.floor(ipNumber(base) / size);
};

/** An external address as a connection end: no namespace, no labels, no ports. */
interface RawAddress { ip: string }
type End = RawPod | RawAddress;
const isPod = (end: End): end is RawPod => 'namespace' in end;

function oracleAllowed(c: { namespaceLabels: Labels[]; pods: RawPod[]; policies: RawPolicy[]; ipBlockMatchesPods: boolean }, from: End, to: End, protocol: string, portNumber: number): boolean {
  const nsLabels = (ns: string) => ({ ...c.namespaceLabels[NAMESPACES.indexOf(ns)], 'kubernetes.io/metadata.name': ns });
  const side = (subject: RawPod, other: End, direction: 'ingress' | 'egress') => {
    const selecting = c.policies.filter((p) => {
      const types = p.policyTypes ?? ['Ingress', ...(p.egress?.length ? ['Egress'] : [])];
      return p.namespace === subject.namespace && oracleMatches(subject.labels, p.podSelector) && types.includes(direction === 'ingress' ? 'Ingress' : 'Egress');
    });
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      (p[direction] ?? []).some((r) => {
        const peerOk = !r.peers?.length || r.peers.some((q) => {
          if (q.ipBlock) return (!isPod(other) || c.ipBlockMatchesPods) && inCidr(other.ip, q.ipBlock.cidr) && !(q.ipBlock.except ?? []).some((e) => inCidr(other.ip, e));
          if (!isPod(other)) return false;
          const nsOk = q.namespaceSelector ? oracleMatches(nsLabels(other.namespace), q.namespaceSelector) : other.namespace === p.namespace;
          return nsOk && oracleMatches(other.labels, q.podSelector ?? {});
        });
        const portOk = !r.ports?.length || r.ports.some((q) => {
          if ((q.protocol ?? 'TCP') !== protocol) return false;
          if (q.port === undefined) return true;
          // A named port needs a destination pod that has it.
          if (q.port === 'http') return isPod(to) && to.httpPort === portNumber && protocol === 'TCP';
          return portNumber >= (q.port as number) && portNumber <= (q.endPort ?? (q.port as number));
        });
        return peerOk && portOk;
      }),
    );
  };
  return (!isPod(from) || side(from, to, 'egress')) && (!isPod(to) || side(to, from, 'ingress'));
}

function toObjects(c: { namespaceLabels: Labels[]; pods: RawPod[]; policies: RawPolicy[] }): KubeObject[] {
  return [
    ...NAMESPACES.map((ns, i) => namespace(ns, c.namespaceLabels[i])),
    ...c.pods.map((p, i) => pod(p.namespace, `pod-${i}`, { labels: p.labels, ip: p.ip, ports: [{ name: 'http', containerPort: p.httpPort }] })),
    ...c.policies.map((p, i) =>
      networkPolicy(p.namespace, `policy-${i}`, {
        podSelector: p.podSelector,
        ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
        ingress: (p.ingress ?? []).map((r) => ({ ...(r.peers ? { from: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) })),
        egress: (p.egress ?? []).map((r) => ({ ...(r.peers ? { to: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) })),
      }),
    ),
  ];
}

describe('the policy engine against a brute-force oracle (random clusters)', () => {
  it('agrees on every pod pair and pod–address pair, protocol and port, pair by pair and in the connectivity list', () => {
    fc.assert(
      fc.property(cluster, (generated) => {
        const c = { ...generated, namespaceLabels: [...generated.namespaceLabels], pods: generated.pods.map((p, i) => ({ ...p, ip: `10.1.0.${i + 1}` })) };
        const objects = toObjects(c);
        const engine = new PolicyEngine(objects, { ipBlockMatchesPods: c.ipBlockMatchesPods });
        const list = workloadConnectivity(engine);
        for (const [i, from] of c.pods.entries()) {
          for (const [j, to] of c.pods.entries()) {
            if (i === j) continue;
            const allowed = engine.evaluate({ pod: engine.pods[i] }, { pod: engine.pods[j] }).allowed;
            const listed = list.find((e) => e.source === `${from.namespace}/pod-${i}[Pod]` && e.destination === `${to.namespace}/pod-${j}[Pod]`)?.ports;
            for (const protocol of PROTOCOLS) {
              for (const portNumber of PORTS_TO_CHECK) {
                const expected = oracleAllowed(c, from, to, protocol, portNumber);
                const where = `pod-${i} → pod-${j} ${protocol}/${portNumber}`;
                expect(allowed.has(protocol as 'TCP', portNumber), where).toBe(expected);
                expect(listed?.has(protocol as 'TCP', portNumber) ?? false, `${where} in the list`).toBe(expected);
              }
            }
          }
        }
        // External addresses: per pod, both directions, against the engine and the list's ranges.
        for (const ip of EXTERNAL_ADDRESSES) {
          for (const [i, p] of c.pods.entries()) {
            const label = `${p.namespace}/pod-${i}[Pod]`;
            const rangeHolds = (text: string) => {
              const [lo, hi] = text.replace('[External]', '').split('-').map(ipNumber);
              return ipNumber(ip) >= lo && ipNumber(ip) <= hi;
            };
            const inbound = list.find((e) => e.destination === label && e.source.endsWith('[External]') && rangeHolds(e.source))?.ports;
            const outbound = list.find((e) => e.source === label && e.destination.endsWith('[External]') && rangeHolds(e.destination))?.ports;
            const into = engine.evaluate({ ip }, { pod: engine.pods[i] }).allowed;
            const outOf = engine.evaluate({ pod: engine.pods[i] }, { ip }).allowed;
            for (const protocol of PROTOCOLS) {
              for (const portNumber of PORTS_TO_CHECK) {
                const inExpected = oracleAllowed(c, { ip }, p, protocol, portNumber);
                const outExpected = oracleAllowed(c, p, { ip }, protocol, portNumber);
                const where = `${protocol}/${portNumber}`;
                expect(into.has(protocol as 'TCP', portNumber), `${ip} → pod-${i} ${where}`).toBe(inExpected);
                expect(inbound?.has(protocol as 'TCP', portNumber) ?? false, `${ip} → pod-${i} ${where} in the list`).toBe(inExpected);
                expect(outOf.has(protocol as 'TCP', portNumber), `pod-${i} → ${ip} ${where}`).toBe(outExpected);
                expect(outbound?.has(protocol as 'TCP', portNumber) ?? false, `pod-${i} → ${ip} ${where} in the list`).toBe(outExpected);
              }
            }
          }
        }
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
