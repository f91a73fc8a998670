import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf } from '../../testing/diagnostics';
import { kube, service } from '../../testing/manifests';
import { poDnsSubdomain } from './poDnsSubdomain';

function statefulSet(serviceName: string): KubeObject {
  return kube({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop' },
    spec: { replicas: 3, serviceName, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db' }] } } },
  });
}

/** A running pod of shop, with an owner and a subdomain when given. */
function subPod(name: string, options: { owner?: { kind: string; name: string }; subdomain?: string; hostname?: string } = {}): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app: 'db' }, ...(options.owner ? { ownerReferences: [{ ...options.owner, controller: true }] } : {}) },
    spec: { hostname: options.hostname, subdomain: options.subdomain, containers: [{ name: 'db' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

const dbPods = ['db-0', 'db-1', 'db-10'].map((name) => subPod(name, { owner: { kind: 'StatefulSet', name: 'db' }, subdomain: 'db-headless', hostname: name }));
const headless = service('shop', 'db-headless', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] });

describe('po.dns.subdomain', () => {
  it('fires once per StatefulSet whose serviceName names no Service, about the StatefulSet', () => {
    const findings = findingsOf(poDnsSubdomain, [statefulSet('db-headless'), ...dbPods]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'po.dns.subdomain', severity: 'warning', layer: 'dns', key: 'po.dns.subdomain|StatefulSet/shop/db' });
    expect(findings[0].objects).toEqual(['StatefulSet/shop/db', 'Pod/shop/db-0']);
    expect(findings[0].message).toBe(
      'StatefulSet shop/db (3 pods, e.g. Pod shop/db-0) has serviceName db-headless, but no Service db-headless exists in shop, so names like db-0.db-headless.shop.svc do not resolve.',
    );
  });

  it('keeps the key when the reporting pod is replaced', () => {
    const before = findingsOf(poDnsSubdomain, [statefulSet('db-headless'), ...dbPods]);
    const after = findingsOf(poDnsSubdomain, [statefulSet('db-headless'), ...dbPods.slice(1)]);
    expect(after.map((f) => f.key)).toEqual(before.map((f) => f.key));
    expect(after[0].message).toContain('StatefulSet shop/db (2 pods, e.g. Pod shop/db-1)');
  });

  it('fires when the Service exists but is not headless, and for a bare pod that sets a subdomain', () => {
    const clusterIp = service('shop', 'db-headless', { clusterIP: '10.96.3.4', selector: { app: 'db' }, ports: [{ port: 5432 }] });
    const [sts] = findingsOf(poDnsSubdomain, [statefulSet('db-headless'), clusterIp, ...dbPods]);
    expect(sts.message).toContain('Service shop/db-headless is not headless (clusterIP 10.96.3.4)');
    expect(sts.objects).toEqual(['StatefulSet/shop/db', 'Pod/shop/db-0', 'Service/shop/db-headless']);
    const [bare] = findingsOf(poDnsSubdomain, [subPod('worker', { subdomain: 'peers', hostname: 'w1' })]);
    expect(bare.message).toContain('Pod shop/worker has subdomain peers, but no Service peers exists in shop, so names like w1.peers.shop.svc');
    expect(bare.key).toBe('po.dns.subdomain|Pod/shop/worker');
  });

  it('does not fire with a headless Service, without a subdomain, or for finished pods', () => {
    expect(findingsOf(poDnsSubdomain, [statefulSet('db-headless'), headless, ...dbPods])).toEqual([]);
    expect(findingsOf(poDnsSubdomain, [subPod('web')])).toEqual([]);
    const done = kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-0', namespace: 'shop' }, spec: { subdomain: 'peers', containers: [{ name: 'x' }] }, status: { phase: 'Succeeded' } });
    expect(findingsOf(poDnsSubdomain, [done])).toEqual([]);
  });
});
