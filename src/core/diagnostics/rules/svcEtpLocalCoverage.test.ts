import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { kube, node, service } from '../../testing/manifests';
import { endpointSlice } from '../../testing/endpoints';
import { findingsOf } from '../../testing/diagnostics';
import { svcEtpLocalCoverage } from './svcEtpLocalCoverage';

const slice = (endpoints: { node: string; ready?: boolean }[]) => endpointSlice('shop', 'web-x7', 'web', endpoints.map((e, i) => ({ ...e, pod: `web-${i}` })));

function nodeWith(name: string, options: { unschedulable?: boolean; ready?: boolean }): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { unschedulable: options.unschedulable ?? false },
    status: { conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }] },
  });
}
const cordoned = (name: string) => nodeWith(name, { unschedulable: true });
const notReady = (name: string) => nodeWith(name, { ready: false });

const web = (type: string) => service('shop', 'web', { type, externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] });
const excluded = node('node-b', '192.168.0.3', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' });

describe('svc.etp-local.coverage', () => {
  it('is an error when no ready endpoint is on a node that can take external traffic', () => {
    const findings = findingsOf(svcEtpLocalCoverage, [web('LoadBalancer'), notReady('node-a'), excluded, node('node-c', '192.168.0.4'), slice([{ node: 'node-a' }, { node: 'node-b' }])]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.etp-local.coverage', severity: 'error', layer: 'service' });
    expect(findings[0].message).toBe(
      'Service shop/web has externalTrafficPolicy Local but none of its ready endpoints is on a node that can take external traffic (node-a: NotReady; node-b: labelled node.kubernetes.io/exclude-from-external-load-balancers).',
    );
    expect(findings[0].objects).toEqual(['Service/shop/web', 'Node/node-a', 'Node/node-b']);
  });

  it('warns for a NodePort Service when some Ready nodes have no ready endpoint', () => {
    const objects = [web('NodePort'), node('node-a'), node('node-b', '192.168.0.3'), node('node-c', '192.168.0.4'), slice([{ node: 'node-a' }, { node: 'node-b', ready: false }])];
    const [finding] = findingsOf(svcEtpLocalCoverage, objects);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('2 of 3 Ready nodes have no ready endpoint');
    expect(finding.objects).toEqual(['Service/shop/web', 'Node/node-b', 'Node/node-c']);
  });

  it('keeps a cordoned node in the load balancer pool, and node ports open on an excluded node', () => {
    expect(findingsOf(svcEtpLocalCoverage, [web('LoadBalancer'), cordoned('node-a'), slice([{ node: 'node-a' }])])).toEqual([]);
    expect(findingsOf(svcEtpLocalCoverage, [web('NodePort'), excluded, slice([{ node: 'node-b' }])])).toEqual([]);
  });

  it('does not fire when a fit node has an endpoint (LoadBalancer), on full coverage, with Cluster policy, or without Nodes', () => {
    const lb = [web('LoadBalancer'), node('node-a'), node('node-c', '192.168.0.4'), slice([{ node: 'node-a' }])];
    expect(findingsOf(svcEtpLocalCoverage, lb)).toEqual([]);
    const everywhere = [web('NodePort'), node('node-a'), node('node-b', '192.168.0.3'), slice([{ node: 'node-a' }, { node: 'node-b' }])];
    expect(findingsOf(svcEtpLocalCoverage, everywhere)).toEqual([]);
    const cluster = service('shop', 'web', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', selector: { app: 'web' }, ports: [{ port: 80 }] });
    expect(findingsOf(svcEtpLocalCoverage, [cluster, cordoned('node-a'), slice([{ node: 'node-a' }])])).toEqual([]);
    expect(findingsOf(svcEtpLocalCoverage, [web('LoadBalancer'), slice([{ node: 'node-a' }])])).toEqual([]);
  });
});
