import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { kube, pod } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { ingControllerDown } from './ingControllerDown';

const ingress = (className?: string) =>
  kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { ...(className ? { ingressClassName: className } : {}), defaultBackend: { service: { name: 'cart', port: { number: 80 } } } } });
const ingressClass = (name: string, controller: string, isDefault = false) =>
  kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} }, spec: { controller } });
/** An ingress-nginx controller pod; a pod that is not Ready is crash-looping. */
function nginxPod(name: string, ready: boolean): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ingress-nginx-controller-7d9', controller: true, uid: 'u' }] },
    spec: { containers: [{ name: 'controller', image: 'ingress-nginx/controller:v1' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'controller', ready, state: ready ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } } }],
    },
  });
}
const traefikPod = pod('traefik', 'traefik-1', { labels: { 'app.kubernetes.io/name': 'traefik' }, ready: true });
const nginx = ingressClass('nginx', 'k8s.io/ingress-nginx');

/** A pod whose readiness Strata cannot know (offline manifests have no status). */
function unknownReadiness(): KubeObject {
  return kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ingress-nginx-x', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } }, spec: { containers: [{ name: 'controller' }] } });
}

describe('ing.controller.down', () => {
  it('fires when every controller pod of the class is not Ready, ignoring other controllers', () => {
    const [finding, ...rest] = findingsOf(ingControllerDown, [nginx, ingressClass('traefik', 'traefik.io/ingress-controller'), nginxPod('c-1', false), nginxPod('c-2', false), traefikPod, ingress('nginx')]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'ing.controller.down', severity: 'error', layer: 'entry' });
    expect(finding.message).toContain('Ingress shop/web is served by IngressClass nginx (k8s.io/ingress-nginx), and none of its 2 controller pods');
    expect(finding.message).toContain('(ReplicaSet ingress-nginx/ingress-nginx-controller-7d9) is Ready: container controller is waiting: CrashLoopBackOff.');
    expect(finding.objects).toEqual(['Ingress/shop/web', 'IngressClass/nginx', 'Pod/ingress-nginx/c-1', 'Pod/ingress-nginx/c-2']);
  });

  it('uses the default class for an Ingress without one, and the class name when no IngressClass exists', () => {
    const [finding] = findingsOf(ingControllerDown, [ingressClass('nginx', 'k8s.io/ingress-nginx', true), nginxPod('c-1', false), ingress()]);
    expect(finding.evidence[0].value).toBe('(unset; default class nginx)');
    const [byName] = findingsOf(ingControllerDown, [nginxPod('c-1', false), traefikPod, ingress('nginx')]);
    expect(byName.objects).toEqual(['Ingress/shop/web', 'Pod/ingress-nginx/c-1']);
  });

  it('does not fire when a pod is Ready, readiness is unknown, no pod of the class is known, or another controller is down', () => {
    expect(findingsOf(ingControllerDown, [nginx, nginxPod('c-1', false), nginxPod('c-2', true), ingress('nginx')])).toEqual([]);
    expect(findingsOf(ingControllerDown, [nginx, nginxPod('c-1', false), unknownReadiness(), ingress('nginx')])).toEqual([]);
    expect(findingsOf(ingControllerDown, [nginx, ingress('nginx')])).toEqual([]);
    // Near miss: the nginx controller is down, but this Ingress is Traefik's (or an ALB's, whose data plane is not in the cluster).
    const traefik = ingressClass('traefik', 'traefik.io/ingress-controller');
    expect(findingsOf(ingControllerDown, [nginx, traefik, nginxPod('c-1', false), traefikPod, ingress('traefik')])).toEqual([]);
    expect(findingsOf(ingControllerDown, [nginx, ingressClass('alb', 'ingress.k8s.aws/alb'), nginxPod('c-1', false), ingress('alb')])).toEqual([]);
    // A class with no IngressClass object, while classes exist, is ing.class.unresolved's finding.
    expect(findingsOf(ingControllerDown, [nginx, nginxPod('c-1', false), ingress('ingress-nginx')])).toEqual([]);
  });
});
