/**
 * One test (or more) per numbered rule of the NetworkPolicy reference (docs/policy.md lists them).
 * Pods are named `ns/name`; addresses are plain IPs.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import { adminNetworkPolicy, baselineAdminNetworkPolicy, namespace, networkPolicy, node, pod } from '../testing/manifests';
import { workloadConnectivity } from './connectivity';
import { connectionVerdict } from './explainVerdict';
import type { Endpoint, PolicyOptions } from './decisions';
import { PolicyEngine } from './PolicyEngine';

const web = (ns = 'app', name = 'web', labels: Record<string, string> = { app: 'web' }, extra: Parameters<typeof pod>[2] = {}) =>
  pod(ns, name, { labels, ip: extra.ip ?? `10.0.${ns.length}.${name.length}`, node: 'node-a', ports: [{ name: 'http', containerPort: 8080 }], ...extra });

function setup(objects: KubeObject[], options: Partial<PolicyOptions> = {}) {
  const engine = new PolicyEngine([namespace('app'), namespace('other', { team: 'x' }), node('node-a', '192.168.0.2'), ...objects], options);
  const endpoint = (ref: string): Endpoint => {
    const found = engine.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === ref);
    return found ? { pod: found } : { ip: ref };
  };
  const check = (from: string, to: string, protocol = 'TCP', port: number | undefined = 8080) => connectionVerdict(engine, endpoint(from), endpoint(to), protocol, port);
  const allowed = (from: string, to: string, protocol = 'TCP', port = 8080) => check(from, to, protocol, port).allowed;
  return { engine, check, allowed, endpoint };
}

const client = (ns = 'app', name = 'client', labels: Record<string, string> = { app: 'client' }, ip = '10.0.9.9') => pod(ns, name, { labels, ip, node: 'node-a' });
const denyAll = (ns = 'app', types = ['Ingress']) => networkPolicy(ns, 'deny-all', { podSelector: {}, policyTypes: types });

describe('NetworkPolicy isolation', () => {
  it('rule 1: ingress and egress isolation are independent', () => {
    const { allowed, engine, check } = setup([web(), client(), denyAll('app', ['Ingress'])]);
    expect(allowed('app/client', 'app/web')).toBe(false);
    expect(allowed('app/web', 'app/client')).toBe(false); // client is isolated for ingress too
    expect(check('app/web', '8.8.8.8', 'TCP', 53).allowed).toBe(true); // egress is not isolated
    const isolation = engine.isolation(engine.pods.find((p) => p.metadata.name === 'web')!);
    expect(isolation.ingress).toEqual({ isolated: true, isolatedBy: ['NetworkPolicy/app/deny-all'] });
    expect(isolation.egress).toEqual({ isolated: false, isolatedBy: [] });
  });

  it('rule 2: without policyTypes, Ingress is implied, and Egress only with an egress section; an egress-only policy isolates ingress too', () => {
    const egressOnly = networkPolicy('app', 'egress-only', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ ipBlock: { cidr: '8.8.8.8/32' } }] }] });
    const { allowed, engine } = setup([web(), client(), egressOnly]);
    expect(engine.policies[0].types).toEqual({ ingress: true, egress: true });
    expect(allowed('app/client', 'app/web')).toBe(false);
    expect(allowed('app/web', '8.8.8.8', 'UDP', 53)).toBe(true);
    expect(allowed('app/web', '1.1.1.1', 'UDP', 53)).toBe(false);
    const ingressOnly = new PolicyEngine([networkPolicy('app', 'p', { podSelector: {}, ingress: [{}] })]);
    expect(ingressOnly.policies[0].types).toEqual({ ingress: true, egress: false });
  });

  it('rule 3: a direction in policyTypes with no rules denies everything in that direction', () => {
    const { check } = setup([web(), client(), networkPolicy('app', 'no-rules', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], ingress: [] })]);
    const verdict = check('app/client', 'app/web');
    expect(verdict.ingress).toMatchObject({ allowed: false, tier: 'network-policy' });
    expect(verdict.ingress.explanation).toBe('denied: pod app/web is isolated for ingress by NetworkPolicy/app/no-rules, and no rule of them allows pod app/client on TCP 8080');
    expect(check('app/web', '1.1.1.1', 'TCP', 443).egress.allowed).toBe(false);
  });

  it('rule 4: an empty rule {} allows everything in its direction', () => {
    const { allowed, check } = setup([web(), client(), networkPolicy('app', 'allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })]);
    expect(allowed('app/client', 'app/web', 'UDP', 9999)).toBe(true);
    expect(allowed('203.0.113.7', 'app/web', 'SCTP', 1)).toBe(true);
    expect(check('app/client', 'app/web').ingress.explanation).toBe('allowed by NetworkPolicy/app/allow-all rule ingress[0]');
  });

  it('rule 5: podSelector {} selects every pod of its own namespace and no others', () => {
    const { allowed } = setup([web(), web('other', 'web'), client(), client('other', 'client', { app: 'client' }, '10.0.9.10'), denyAll('app')]);
    expect(allowed('app/client', 'app/web')).toBe(false);
    expect(allowed('app/client', 'other/web')).toBe(true);
  });

  it('rule 6: policies are additive; order does not matter and one cannot subtract what another allows', () => {
    const allowClient = networkPolicy('app', 'allow-client', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] });
    const forward = setup([web(), client(), denyAll('app'), allowClient]);
    const reversed = setup([allowClient, denyAll('app'), client(), web()]);
    expect(forward.allowed('app/client', 'app/web')).toBe(true);
    expect(reversed.allowed('app/client', 'app/web')).toBe(true);
    expect(forward.check('app/client', 'app/web').ingress.policy).toBe('NetworkPolicy/app/allow-client');
  });
});

describe('NetworkPolicy peers', () => {
  it('rule 7: a podSelector-only peer is the policy namespace; a namespaceSelector-only peer is every pod of the selected namespaces', () => {
    const podsOnly = networkPolicy('app', 'pods-only', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] });
    const a = setup([web(), client(), client('other', 'client', { app: 'client' }, '10.0.9.10'), podsOnly]);
    expect(a.allowed('app/client', 'app/web')).toBe(true);
    expect(a.allowed('other/client', 'app/web')).toBe(false);
    const nsOnly = networkPolicy('app', 'ns-only', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] }] });
    const b = setup([web(), client(), client('other', 'anything', { whatever: 'y' }, '10.0.9.10'), nsOnly]);
    expect(b.allowed('other/anything', 'app/web')).toBe(true);
    expect(b.allowed('app/client', 'app/web')).toBe(false);
  });

  it('rule 8: namespaceSelector and podSelector in one peer are ANDed; in two list items they are ORed', () => {
    const and = networkPolicy('app', 'and', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'client' } } }] }] });
    const or = networkPolicy('app', 'or', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }, { podSelector: { matchLabels: { app: 'client' } } }] }] });
    const pods = [web(), client(), client('other', 'client', { app: 'client' }, '10.0.9.10'), client('other', 'db', { app: 'db' }, '10.0.9.11')];
    const a = setup([...pods, and]);
    expect([a.allowed('other/client', 'app/web'), a.allowed('other/db', 'app/web'), a.allowed('app/client', 'app/web')]).toEqual([true, false, false]);
    const b = setup([...pods, or]);
    expect([b.allowed('other/client', 'app/web'), b.allowed('other/db', 'app/web'), b.allowed('app/client', 'app/web')]).toEqual([true, true, true]);
  });

  it('rule 9: namespaceSelector {} selects all namespaces; with podSelector {} every pod, but no external address', () => {
    const all = networkPolicy('app', 'all-pods', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] });
    const { allowed } = setup([web(), client('other', 'c', {}, '10.0.9.10'), all]);
    expect(allowed('other/c', 'app/web')).toBe(true);
    expect(allowed('203.0.113.7', 'app/web')).toBe(false);
  });

  it('rule 10: ipBlock excludes selectors; except must lie inside cidr; an excepted address allowed elsewhere is allowed', () => {
    const both = networkPolicy('app', 'both', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] });
    const outside = networkPolicy('app', 'outside', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] });
    const { engine } = setup([both, outside]);
    expect(engine.policies[0].problems).toEqual(['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer']);
    expect(engine.policies[1].problems).toEqual(['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`']);
    const excepted = networkPolicy('app', 'excepted', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }] });
    const again = networkPolicy('app', 'again', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.200/32' } }] }] });
    const a = setup([web(), excepted]);
    expect([a.allowed('203.0.113.7', 'app/web'), a.allowed('203.0.113.200', 'app/web')]).toEqual([true, false]);
    const b = setup([web(), excepted, again]);
    expect(b.allowed('203.0.113.200', 'app/web')).toBe(true);
  });

  it('rule 11: whether ipBlock matches pod IPs is an explicit option', () => {
    const byIp = networkPolicy('app', 'by-ip', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.9.9/32' } }] }] });
    expect(setup([web(), client(), byIp], { ipBlockMatchesPods: true }).allowed('app/client', 'app/web')).toBe(true);
    expect(setup([web(), client(), byIp], { ipBlockMatchesPods: false }).allowed('app/client', 'app/web')).toBe(false);
    expect(new PolicyEngine([]).options.ipBlockMatchesPods).toBe(true);
  });

  it('rule 12: namespaces match by the kubernetes.io/metadata.name label, synthesised for namespaces known only by reference', () => {
    const byName = networkPolicy('app', 'by-name', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ghost' } } }] }] });
    // No Namespace object for "ghost": offline manifests often have none.
    const { allowed, engine } = setup([web(), client('ghost', 'c', {}, '10.0.9.10'), byName]);
    expect(allowed('ghost/c', 'app/web')).toBe(true);
    expect(engine.labelsOfNamespace('ghost')).toEqual({ 'kubernetes.io/metadata.name': 'ghost' });
  });

  it('rule 13: matchExpressions In, NotIn, Exists, DoesNotExist are ANDed with matchLabels; NotIn and DoesNotExist match pods without the key', () => {
    const selector = { matchLabels: { tier: 'api' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'canary', operator: 'DoesNotExist' }, { key: 'team', operator: 'Exists' }, { key: 'app', operator: 'In', values: ['a', 'b'] }] };
    const policy = networkPolicy('app', 'exprs', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: selector }] }] });
    const pods = [
      web(),
      client('app', 'ok', { tier: 'api', team: 't', app: 'a' }, '10.0.9.1'),
      client('app', 'prod', { tier: 'api', team: 't', app: 'a', env: 'prod' }, '10.0.9.2'),
      client('app', 'canary', { tier: 'api', team: 't', app: 'a', canary: 'yes' }, '10.0.9.3'),
      client('app', 'noteam', { tier: 'api', app: 'a' }, '10.0.9.4'),
      client('app', 'web2', { tier: 'web', team: 't', app: 'a' }, '10.0.9.5'),
    ];
    const { allowed } = setup([...pods, policy]);
    expect(['ok', 'prod', 'canary', 'noteam', 'web2'].map((n) => allowed(`app/${n}`, 'app/web'))).toEqual([true, false, false, false, false]);
    const invalid = new PolicyEngine([networkPolicy('app', 'bad', { podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } })]);
    expect(invalid.policies[0].problems).toEqual(["spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]);
  });
});

describe('NetworkPolicy ports and protocols', () => {
  const allowPorts = (ports: unknown[]) => networkPolicy('app', 'ports', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports }] });

  it('rule 14: protocol defaults to TCP; a port entry without port is the whole protocol; no ports is everything', () => {
    const a = setup([web(), client(), allowPorts([{ port: 8080 }])]);
    expect([a.allowed('app/client', 'app/web', 'TCP', 8080), a.allowed('app/client', 'app/web', 'UDP', 8080)]).toEqual([true, false]);
    const b = setup([web(), client(), allowPorts([{ protocol: 'UDP' }])]);
    expect([b.allowed('app/client', 'app/web', 'UDP', 1), b.allowed('app/client', 'app/web', 'UDP', 65535), b.allowed('app/client', 'app/web', 'TCP', 80)]).toEqual([true, true, false]);
    const c = setup([web(), client(), networkPolicy('app', 'any', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(c.allowed('app/client', 'app/web', 'SCTP', 7)).toBe(true);
  });

  it('rule 15: a named port resolves on the destination pod, by name and protocol; a pod without it is not allowed', () => {
    const other = pod('app', 'web-9090', { labels: { app: 'web' }, ip: '10.0.3.9', ports: [{ name: 'http', containerPort: 9090 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
    const none = pod('app', 'web-none', { labels: { app: 'web' }, ip: '10.0.3.10', ports: [] });
    const { allowed } = setup([web(), other, none, client(), allowPorts([{ port: 'http' }, { port: 'dns', protocol: 'TCP' }])]);
    expect([allowed('app/client', 'app/web', 'TCP', 8080), allowed('app/client', 'app/web', 'TCP', 9090)]).toEqual([true, false]);
    expect([allowed('app/client', 'app/web-9090', 'TCP', 9090), allowed('app/client', 'app/web-9090', 'TCP', 8080)]).toEqual([true, false]);
    expect(allowed('app/client', 'app/web-9090', 'UDP', 53)).toBe(false); // dns is UDP on the pod, the rule says TCP
    expect(allowed('app/client', 'app/web-none', 'TCP', 8080)).toBe(false);
  });

  it('rule 16: endPort needs a numeric port and endPort ≥ port; the range is inclusive; ignoring it is an option', () => {
    const range = allowPorts([{ port: 8000, endPort: 8080 }]);
    const a = setup([web(), client(), range]);
    expect([7999, 8000, 8080, 8081].map((p) => a.allowed('app/client', 'app/web', 'TCP', p))).toEqual([false, true, true, false]);
    const b = setup([web(), client(), range], { enforceEndPort: false });
    expect([8000, 8080].map((p) => b.allowed('app/client', 'app/web', 'TCP', p))).toEqual([true, false]);
    const invalid = new PolicyEngine([allowPorts([{ endPort: 90 }, { port: 'http', endPort: 90 }, { port: 100, endPort: 90 }])]);
    expect(invalid.policies[0].problems).toEqual([
      'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified',
      'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[2].endPort: Invalid value: 90: must be greater than or equal to `port`',
    ]);
  });

  it('rule 17: a policy allowing only UDP or SCTP still isolates the pod for TCP; SCTP is never TCP', () => {
    const { allowed } = setup([web(), client(), allowPorts([{ protocol: 'SCTP', port: 8080 }])]);
    expect([allowed('app/client', 'app/web', 'SCTP', 8080), allowed('app/client', 'app/web', 'TCP', 8080), allowed('app/client', 'app/web', 'UDP', 8080)]).toEqual([true, false, false]);
  });

  it('rule 18: only TCP, UDP and SCTP are defined; ICMP is reported as undefined, and an unknown protocol in a policy is invalid', () => {
    const { check } = setup([web(), client(), denyAll()]);
    const icmp = check('app/client', 'app/web', 'ICMPv4', undefined);
    expect(icmp.ingress.tier).toBe('undefined-protocol');
    expect(icmp.ingress.explanation).toBe('undefined: NetworkPolicy defines only TCP, UDP and SCTP ports; what happens to ICMPv4 is up to the CNI');
    // Without a port, the answer lists the ports each side allows.
    const ranged = setup([web(), client(), allowPorts([{ port: 8080 }, { port: 9000, endPort: 9010 }])]);
    const noPort = connectionVerdict(ranged.engine, ranged.endpoint('app/client'), ranged.endpoint('app/web'), 'TCP');
    expect(noPort.ingress).toMatchObject({ allowed: true, tier: 'ports', explanation: 'no port given; pod app/web allows TCP 8080,9000-9010 for pod app/client' });
    const invalid = new PolicyEngine([allowPorts([{ protocol: 'ICMP', port: 1 }])]);
    expect(invalid.policies[0].problems).toEqual(['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']);
  });
});

describe('Connections', () => {
  it("rule 19: a connection needs the source's egress and the destination's ingress, each by its own policies", () => {
    const egressDeny = networkPolicy('other', 'no-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const ingressAllow = networkPolicy('app', 'allow', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    const { check } = setup([web(), client('other', 'c', {}, '10.0.9.10'), egressDeny, ingressAllow]);
    const verdict = check('other/c', 'app/web');
    expect(verdict).toMatchObject({ allowed: false, egress: { allowed: false, tier: 'network-policy' }, ingress: { allowed: true, policy: 'NetworkPolicy/app/allow' } });
  });

  it('rule 20: replies are implied; a connection is judged once, from its initiator, and the reverse direction is its own question', () => {
    const onlyOut = networkPolicy('app', 'web-out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'client' } } }] }] });
    const { allowed } = setup([web(), client(), onlyOut]);
    // web → client is allowed, its replies need no ingress rule on web; client → web as a new connection is denied.
    expect(allowed('app/web', 'app/client')).toBe(true);
    expect(allowed('app/client', 'app/web')).toBe(false);
  });

  it("rule 21: traffic from and to a pod's own node is always allowed, and a pod can always reach itself", () => {
    const { check } = setup([web(), denyAll('app', ['Ingress', 'Egress'])]);
    expect(check('192.168.0.2', 'app/web').ingress).toMatchObject({ allowed: true, tier: 'node' });
    expect(check('192.168.0.2', 'app/web').ingress.explanation).toBe("allowed: traffic from pod app/web's own node (kubelet probes, node agents) is always allowed");
    expect(check('app/web', '192.168.0.2', 'TCP', 10250).egress).toMatchObject({ allowed: true, tier: 'node' });
    expect(check('192.168.0.3', 'app/web').ingress.allowed).toBe(false);
    expect(check('app/web', '192.168.0.3').egress.allowed).toBe(false);
    expect(check('app/web', 'app/web')).toMatchObject({ allowed: true, egress: { tier: 'self' }, ingress: { tier: 'self' } });
  });

  it("rule 22: Service traffic is judged at the backend pod's targetPort, not the Service port", () => {
    // Covered end to end by reachPath.test.ts; here, the engine judges the pod port only.
    const { allowed } = setup([web(), client(), allowPorts8080()]);
    expect([allowed('app/client', 'app/web', 'TCP', 8080), allowed('app/client', 'app/web', 'TCP', 80)]).toEqual([true, false]);
  });

  it('rule 23: hostNetwork pods are marked as undefined, not selected by podSelectors, and seen as their node address by ipBlocks', () => {
    const host = pod('app', 'agent', { labels: { app: 'client' }, ip: '192.168.0.2', node: 'node-a', hostNetwork: true });
    const byLabel = networkPolicy('app', 'by-label', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] });
    const { check } = setup([pod('app', 'web', { labels: { app: 'web' }, ip: '10.0.3.3', node: 'node-b', ports: [{ name: 'http', containerPort: 8080 }] }), host, byLabel]);
    expect(check('app/agent', 'app/web').ingress.allowed).toBe(false);
    expect(check('app/agent', 'app/web').egress).toMatchObject({ tier: 'host-network' });
    expect(check('app/agent', 'app/web').egress.undefinedBehaviour).toMatch(/hostNetwork/);
    const byIp = networkPolicy('app', 'by-ip', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/24' } }] }] });
    expect(setup([pod('app', 'web', { labels: { app: 'web' }, ip: '10.0.3.3', node: 'node-b' }), host, byIp], { ipBlockMatchesPods: false }).check('app/agent', 'app/web', 'TCP', 80).ingress.allowed).toBe(true);
  });

  it('rule 24: an engine is a picture of one state; a changed policy gives a new engine, and nothing claims to cut existing connections', () => {
    const before = setup([web(), client()]);
    const after = setup([web(), client(), denyAll()]);
    expect([before.allowed('app/client', 'app/web'), after.allowed('app/client', 'app/web')]).toEqual([true, false]);
    expect(after.check('app/client', 'app/web').ingress.explanation).not.toMatch(/existing/);
  });
});

function allowPorts8080() {
  return networkPolicy('app', 'http-only', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8080 }] }] });
}

describe('AdminNetworkPolicy and BaselineAdminNetworkPolicy', () => {
  const subjectApp = { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'app' } } };
  const fromClients = [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } } }];

  it('rule 25: ANPs are ordered by priority, lower first; equal priorities that both match are flagged as undefined', () => {
    const deny = adminNetworkPolicy('deny-clients', { priority: 20, subject: subjectApp, ingress: [{ name: 'deny', action: 'Deny', from: fromClients }] });
    const allow = adminNetworkPolicy('allow-clients', { priority: 10, subject: subjectApp, ingress: [{ name: 'allow', action: 'Allow', from: fromClients }] });
    const { check } = setup([web(), client(), deny, allow, denyAll()]);
    expect(check('app/client', 'app/web').ingress).toMatchObject({ allowed: true, tier: 'admin', policy: 'AdminNetworkPolicy/allow-clients', rule: 'allow' });
    const tie = adminNetworkPolicy('deny-clients-10', { priority: 10, subject: subjectApp, ingress: [{ name: 'deny', action: 'Deny', from: fromClients }] });
    const ambiguous = setup([web(), client(), tie, allow]).check('app/client', 'app/web').ingress;
    expect(ambiguous.undefinedBehaviour).toBe('AdminNetworkPolicy/deny-clients-10 has the same priority and also matches; which one applies is undefined');
    // A Pass at a shared priority is as undefined as an Allow or a Deny.
    const pass = adminNetworkPolicy('a-pass-clients-10', { priority: 10, subject: subjectApp, ingress: [{ name: 'pass', action: 'Pass', from: fromClients }] });
    const passTie = setup([web(), client(), pass, tie]).check('app/client', 'app/web').ingress;
    expect(passTie.explanation).toContain('AdminNetworkPolicy/a-pass-clients-10 rule "pass" passed it to the NetworkPolicies');
    expect(passTie.undefinedBehaviour).toBe('AdminNetworkPolicy/deny-clients-10 has the same priority and also matches; which one applies is undefined');
    expect(new PolicyEngine([adminNetworkPolicy('x', { priority: 1001, subject: subjectApp })]).policies[0].problems).toEqual(['spec.priority: Invalid value: 1001: spec.priority in body should be between 0 and 1000']);
  });

  it('rule 26: within one ANP, rules go in order and the first match wins; Allow, Deny and Pass', () => {
    const anp = adminNetworkPolicy('ordered', { priority: 5, subject: subjectApp, ingress: [
      { name: 'allow-8080', action: 'Allow', from: fromClients, ports: [{ portNumber: { protocol: 'TCP', port: 8080 } }] },
      { name: 'deny-rest', action: 'Deny', from: fromClients },
    ] });
    const { check } = setup([web(), client(), anp]);
    expect(check('app/client', 'app/web', 'TCP', 8080).ingress).toMatchObject({ allowed: true, rule: 'allow-8080' });
    expect(check('app/client', 'app/web', 'TCP', 9090).ingress).toMatchObject({ allowed: false, rule: 'deny-rest' });
  });

  it('rule 27: Pass hands the decision to NetworkPolicies; with none selecting the pod, the BANP decides; with no BANP rule matching, allowed', () => {
    const pass = adminNetworkPolicy('pass', { priority: 1, subject: subjectApp, ingress: [{ name: 'to-teams', action: 'Pass', from: fromClients }] });
    const laterDeny = adminNetworkPolicy('later', { priority: 2, subject: subjectApp, ingress: [{ name: 'deny', action: 'Deny', from: fromClients }] });
    const baseline = baselineAdminNetworkPolicy({ subject: subjectApp, ingress: [{ name: 'baseline-deny', action: 'Deny', from: fromClients, ports: [{ portNumber: { protocol: 'TCP', port: 9090 } }] }] });
    const withNp = setup([web(), client(), pass, laterDeny, networkPolicy('app', 'allow-clients', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] })]);
    const verdict = withNp.check('app/client', 'app/web');
    expect(verdict.ingress).toMatchObject({ allowed: true, tier: 'network-policy', policy: 'NetworkPolicy/app/allow-clients' });
    expect(verdict.ingress.explanation).toContain('AdminNetworkPolicy/pass rule "to-teams" passed it to the NetworkPolicies');
    const noNp = setup([web(), client(), pass, laterDeny, baseline]);
    expect(noNp.check('app/client', 'app/web', 'TCP', 9090).ingress).toMatchObject({ allowed: false, tier: 'baseline', rule: 'baseline-deny' });
    expect(noNp.check('app/client', 'app/web', 'TCP', 8080).ingress).toMatchObject({ allowed: true, tier: 'default' });
  });

  it('rule 28: the BANP is a singleton named default with actions Allow and Deny', () => {
    const { engine } = setup([baselineAdminNetworkPolicy({ subject: subjectApp, ingress: [{ action: 'Pass', from: fromClients }] }, 'other')]);
    expect(engine.policies[0].problems).toEqual([
      'metadata.name: Invalid value: "other": Only one baseline admin network policy with metadata.name="default" can be created in the cluster',
      'spec.ingress[0].action: Unsupported value: "Pass": supported values: "Allow", "Deny"',
    ]);
  });

  it('a value that is not text (an object whose toString is not a function, as a fuzzed manifest held) is quoted as JSON, never thrown on', () => {
    const odd = { toString: [] };
    const banp = baselineAdminNetworkPolicy({ subject: subjectApp, egress: [{ action: odd, to: [{ networks: ['0.0.0.0/0'] }] }] });
    const np = networkPolicy('app', 'odd', { podSelector: { matchExpressions: [{ key: odd, operator: odd, values: [odd] }] }, policyTypes: [odd], ingress: [{ ports: [{ protocol: odd, port: 80 }] }] });
    const { engine } = setup([banp, np]);
    expect(engine.policies.flatMap((p) => p.problems)).toEqual(
      expect.arrayContaining([
        'spec.egress[0].action: Unsupported value: "{"toString":[]}": supported values: "Allow", "Deny"',
        'spec.podSelector.matchExpressions[0].operator: Unsupported value: "{"toString":[]}": supported values: "In", "NotIn", "Exists", "DoesNotExist"',
        'spec.policyTypes[0]: Unsupported value: "{"toString":[]}": supported values: "Egress", "Ingress"',
        'spec.ingress[0].ports[0].protocol: Unsupported value: "{"toString":[]}": supported values: "SCTP", "TCP", "UDP"',
      ]),
    );
  });

  it('rule 29: one direction is ANP, then NetworkPolicy, then BANP, then allow', () => {
    const baselineDeny = baselineAdminNetworkPolicy({ subject: subjectApp, ingress: [{ name: 'deny-all', action: 'Deny', from: [{ namespaces: {} }] }] });
    const npAllow = networkPolicy('app', 'np-allow', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] });
    const anpDeny = adminNetworkPolicy('anp-deny', { priority: 1, subject: subjectApp, ingress: [{ name: 'no-9', action: 'Deny', from: fromClients, ports: [{ portRange: { protocol: 'TCP', start: 9000, end: 9999 } }] }] });
    const only = (objects: KubeObject[]) => setup([web(), client(), ...objects]).check('app/client', 'app/web', 'TCP', 8080).ingress.tier;
    expect(only([])).toBe('default');
    expect(only([baselineDeny])).toBe('baseline');
    expect(only([baselineDeny, npAllow])).toBe('network-policy');
    const all = setup([web(), client(), baselineDeny, npAllow, anpDeny]);
    expect(all.check('app/client', 'app/web', 'TCP', 9500).ingress).toMatchObject({ tier: 'admin', allowed: false });
    expect(all.check('app/client', 'app/web', 'TCP', 8080).ingress).toMatchObject({ tier: 'network-policy', allowed: true });
  });

  it('rule 30: named ports are not allowed with networks or nodes peers', () => {
    const anp = adminNetworkPolicy('named', { priority: 3, subject: subjectApp, egress: [{ name: 'x', action: 'Allow', to: [{ networks: ['10.0.0.0/8'] }], ports: [{ namedPort: 'http' }] }] });
    expect(new PolicyEngine([anp]).policies[0].problems).toEqual(['spec.egress[0]: Invalid value: networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes']);
  });
});

describe('Invalid policies', () => {
  it('are flagged with the API server reason and not enforced, and never crash the engine', () => {
    // Leading zeros are read as decimal, as the API server's sloppy parser does: that policy is valid.
    const zeros = new PolicyEngine([networkPolicy('app', 'zeros', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '010.001.0.0/16' } }] }] })]);
    expect(zeros.policies[0].problems).toEqual([]);
    const empty = new PolicyEngine([networkPolicy('app', 'no-cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { except: ['10.0.0.0/8'] } }] }] })]);
    expect(empty.policies[0].problems).toEqual(['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
    const bad = networkPolicy('app', 'bad-cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.300/8' } }] }] });
    const { engine, allowed } = setup([web(), client(), bad]);
    expect(engine.policies[0].problems).toEqual(['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.300/8": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
    expect(allowed('app/client', 'app/web')).toBe(true);
    const garbage = [networkPolicy('app', 'g1', { podSelector: 'x', ingress: 'y', egress: [null, 3], policyTypes: ['Sideways'] }), networkPolicy('app', 'g2', { ingress: [{ from: [{}], ports: [{ port: -1 }] }] })];
    expect(() => workloadConnectivity(new PolicyEngine([web(), client(), ...garbage]))).not.toThrow();
    expect(new PolicyEngine(garbage).policies.every((p) => p.problems.length > 0)).toBe(true);
    const anp = adminNetworkPolicy('both', {
      priority: 1,
      subject: { namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } },
      ingress: [{ name: 'r', action: 'Allow', from: [{ namespaces: {} }], ports: [{ portRange: { protocol: 'TCP', start: 80, end: 80 } }] }],
    });
    expect(new PolicyEngine([anp]).policies[0].problems).toEqual(['spec.subject: Too many: 2: must have at most 1 items', 'spec.ingress[0].ports[0].portRange: Invalid value: Start port must be less than End port']);
  });
});

describe('The connectivity list with hostNetwork pods', () => {
  it('lists a node agent reaching the pods on its own node, whatever order the pods come in', () => {
    const agent = pod('sys', 'agent', { labels: { app: 'agent' }, ip: '192.168.0.2', node: 'node-a', hostNetwork: true });
    const webs = [pod('app', 'web-b', { labels: { app: 'web' }, ip: '10.0.1.2', node: 'node-b' }), pod('app', 'web-a', { labels: { app: 'web' }, ip: '10.0.1.1', node: 'node-a' })];
    for (const order of [webs, [...webs].reverse()]) {
      const engine = new PolicyEngine([namespace('app'), namespace('sys'), node('node-a', '192.168.0.2'), node('node-b', '192.168.0.3'), agent, ...order, denyAll('app')]);
      const lines = workloadConnectivity(engine).map((e) => `${e.source} => ${e.destination} : ${e.ports}`);
      expect(lines).toContain('sys/agent[Pod] => app/web-a[Pod] : All Connections');
      expect(lines.some((l) => l.startsWith('sys/agent[Pod] => app/web-b'))).toBe(false);
    }
  });
});
