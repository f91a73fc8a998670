import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { kube, networkPolicy, pod } from '../../testing/manifests';
import { denyAll } from '../../testing/networkPolicies';
import { npEvalUncertain } from './npEvalUncertain';

const web = (name: string, portName: string, protocol = 'TCP') => pod('shop', name, { labels: { app: 'web' }, ports: [{ name: portName, containerPort: 8080, protocol }] });
const allowNamed = (port: string, protocol?: string) => networkPolicy('shop', 'allow-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port, ...(protocol ? { protocol } : {}) }] }] });
const cnp = (namespace: string | undefined, name: string) =>
  kube({ apiVersion: 'cilium.io/v2', kind: namespace ? 'CiliumNetworkPolicy' : 'CiliumClusterwideNetworkPolicy', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: {} });

describe('np.eval-uncertain', () => {
  it('warns when a named port resolves on none of the selected pods, as the engine resolves it (name and protocol)', () => {
    const findings = findingsOf(npEvalUncertain, [allowNamed('http'), web('web-1', 'web'), web('web-2', 'web')]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'np.eval-uncertain', severity: 'warning', layer: 'policy', key: 'np.eval-uncertain|NetworkPolicy/shop/allow-web|ingress[0].ports[0]' });
    expect(findings[0].message).toBe('NetworkPolicy shop/allow-web spec.ingress[0] allows port "http"/TCP, which none of the 2 pods it selects declares, so that entry allows nothing; they declare web/TCP.');
    expect(findingsOf(npEvalUncertain, [allowNamed('dns', 'UDP'), web('web-1', 'dns', 'TCP')])[0].message).toContain('port "dns"/UDP');
  });

  it('says verdicts are not modelled where CNI policies apply, once per namespace', () => {
    const findings = findingsOf(npEvalUncertain, [denyAll('shop'), allowNamed('http'), web('web-1', 'http'), cnp('shop', 'l7-rules')]);
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].objects).toEqual(['NetworkPolicy/shop/allow-web', 'UnmodelledPolicy/shop/CiliumNetworkPolicy:l7-rules']);
    expect(findings[0].message).toContain('Verdicts for pods in shop are not modelled: 1 CiliumNetworkPolicy applies there');
    // A cluster-wide one reaches every namespace that has policies.
    const wide = findingsOf(npEvalUncertain, [denyAll('shop'), denyAll('blog'), cnp(undefined, 'global')]);
    expect(wide.map((f) => f.objects[0]).sort()).toEqual(['NetworkPolicy/blog/default-deny', 'NetworkPolicy/shop/default-deny']);
  });

  it('notes hostNetwork pods the policy would select, as info', () => {
    const agentPolicy = networkPolicy('shop', 'agent', { podSelector: { matchLabels: { app: 'agent' } }, policyTypes: ['Ingress'] });
    const [finding] = findingsOf(npEvalUncertain, [agentPolicy, pod('shop', 'agent-x', { labels: { app: 'agent' }, hostNetwork: true })]);
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain('selects hostNetwork pods of Pod shop/agent-x');
  });

  it('does not fire for declared named ports, numeric ports, a CNI policy in another namespace, or non-hostNetwork pods', () => {
    expect(findingsOf(npEvalUncertain, [allowNamed('http'), web('web-1', 'http'), web('web-2', 'web')])).toEqual([]);
    expect(findingsOf(npEvalUncertain, [networkPolicy('shop', 'num', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] }), web('web-1', 'web')])).toEqual([]);
    expect(findingsOf(npEvalUncertain, [denyAll('shop'), cnp('blog', 'l7-rules')])).toEqual([]);
    expect(findingsOf(npEvalUncertain, [denyAll('shop'), web('web-1', 'http')])).toEqual([]);
  });
});
