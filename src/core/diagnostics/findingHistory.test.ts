import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod, Workload } from '../../shared/kube';
import type { RecordedChange } from '../history/objectState';
import { synthesizeOfflineState } from '../offline/synthesizeOfflineState';
import { deployment, kube, namespace, node, service } from '../testing/manifests';
import { describeChange, findingHistory } from './findingHistory';

const T0 = Date.parse('2026-11-23T02:00:00Z');
const at = (minutes: number, seconds = 0) => T0 + minutes * 60_000 + seconds * 1000;

describe('findingHistory', () => {
  it('says when a finding appeared and cleared, and the change that caused it', () => {
    const before = synthesizeOfflineState([namespace('shop'), node('node-a'), kube(deployment('shop', 'cart', { app: 'cart' }, [{ name: 'http', containerPort: 8080 }])), service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 'http' }] })], {
      'Deployment/shop/cart': [{ node: 'node-a' }],
    }).objects;
    const deploymentBefore = before.find((o): o is Workload => o.kind === 'Deployment')!;
    const oldPod = before.find((o): o is Pod => o.kind === 'Pod')!;
    // 02:13:00 the template labels change; 02:13:05 the new pod is up and the old one gone.
    const relabelled: Workload = { ...deploymentBefore, spec: { ...deploymentBefore.spec, template: { ...deploymentBefore.spec.template, labels: { app: 'carts' } } } };
    const newPod: Pod = { ...oldPod, metadata: { ...oldPod.metadata, name: 'cart-new', labels: { app: 'carts' } } };
    const batches: { t: number; changes: RecordedChange[] }[] = [
      { t: at(13), changes: [{ t: at(13), type: 'modified', object: relabelled }] },
      { t: at(13, 5), changes: [{ t: at(13, 5), type: 'added', object: newPod }, { t: at(13, 5), type: 'deleted', object: oldPod }] },
      // 02:20 someone fixes it by putting the old label back on the pod template's pods.
      { t: at(20), changes: [{ t: at(20), type: 'modified', object: { ...newPod, metadata: { ...newPod.metadata, labels: { app: 'cart' } } } as KubeObject }] },
    ];
    const spans = findingHistory({ t: T0, objects: before }, batches);
    const lost = spans.find((s) => s.finding.rule === 'svc.selector.no-pods')!;
    expect(lost.firstSeen).toBe(at(13, 5));
    expect(lost.cleared).toBe(at(20));
    expect(lost.presentAtStart).toBeUndefined();
    expect(lost.cause).toBe("Deployment shop/cart's template labels changed from app=cart to app=carts");
  });

  it('marks findings that were there when the recording starts', () => {
    const objects = [namespace('shop'), service('shop', 'lonely', { selector: { app: 'nobody' }, ports: [{ port: 80 }] })];
    const [span] = findingHistory({ t: T0, objects }, []);
    expect(span).toMatchObject({ firstSeen: T0, presentAtStart: true });
  });

  it('words the changes that move traffic', () => {
    const svc = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80 }] });
    const moved = service('shop', 'cart', { selector: { app: 'carts' }, ports: [{ port: 80 }] });
    expect(describeChange(svc, moved, 'modified')).toBe("Service shop/cart's selector changed from app=cart to app=carts");
    expect(describeChange(undefined, svc, 'added')).toBe('Service shop/cart was created');
    expect(describeChange(svc, svc, 'deleted')).toBe('Service shop/cart was deleted');
  });
});
