import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { networkPolicy } from '../../testing/manifests';
import { calico, daemonSet, denyAll, flannel } from '../../testing/networkPolicies';
import { npNotEnforced } from './npNotEnforced';

const allowWeb = networkPolicy('shop', 'allow-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] });

describe('np.not-enforced', () => {
  it('fires once per namespace, on its first policy by name, when the CNI does not enforce NetworkPolicy', () => {
    const findings = findingsOf(npNotEnforced, [flannel(), denyAll('shop'), allowWeb, denyAll('blog')]);
    expect(findings).toHaveLength(2);
    const shop = findings.find((f) => f.objects[0].startsWith('NetworkPolicy/shop/'))!;
    expect(shop).toMatchObject({ rule: 'np.not-enforced', severity: 'warning', layer: 'policy' });
    expect(shop.objects).toEqual(['NetworkPolicy/shop/allow-web', 'DaemonSet/kube-system/kube-flannel-ds']);
    expect(shop.message).toBe('NetworkPolicy shop/allow-web and 1 more in shop are not enforced: the cluster runs Flannel (kube-system/kube-flannel-ds), which does not enforce NetworkPolicy.');
    expect(findings.find((f) => f.objects[0] === 'NetworkPolicy/blog/default-deny')!.message).toContain('NetworkPolicy blog/default-deny is not enforced');
  });

  it('does not fire when a policy engine runs beside the CNI, or when enforcement is unknown', () => {
    expect(findingsOf(npNotEnforced, [flannel(), calico(), denyAll('shop')])).toEqual([]);
    const policyPlugin = daemonSet('kube-system', 'kube-network-policies', [{ name: 'kube-network-policies', image: 'networking/kube-network-policies:v0.6.0' }]);
    expect(findingsOf(npNotEnforced, [flannel(), policyPlugin, denyAll('shop')])).toEqual([]);
    expect(findingsOf(npNotEnforced, [denyAll('shop')])).toEqual([]);
  });
});
