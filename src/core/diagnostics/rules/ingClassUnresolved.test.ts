import { describe, expect, it } from 'vitest';
import { kube, pod } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { ingClassUnresolved } from './ingClassUnresolved';

const ingress = (className?: string, annotations: Record<string, string> = {}) =>
  kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop', annotations }, spec: { ...(className ? { ingressClassName: className } : {}), defaultBackend: { service: { name: 'cart', port: { number: 80 } } } } });
const ingressClass = (name: string, isDefault = false) =>
  kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} }, spec: { controller: `example.com/${name}` } });

describe('ing.class.unresolved', () => {
  it('is an error when the named class does not exist, and lists the classes', () => {
    const [finding, ...rest] = findingsOf(ingClassUnresolved, [ingressClass('nginx'), ingressClass('traefik'), ingress('nginx-public')]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'ing.class.unresolved', severity: 'error', layer: 'entry' });
    expect(finding.message).toBe('Ingress shop/web names IngressClass nginx-public, which does not exist (the classes are nginx, traefik).');
    expect(finding.objects).toEqual(['Ingress/shop/web']);
  });

  it('reads the legacy annotation as the class', () => {
    const [finding] = findingsOf(ingClassUnresolved, [ingressClass('nginx'), ingress(undefined, { 'kubernetes.io/ingress.class': 'internal' })]);
    expect(finding.message).toContain('names IngressClass internal, which does not exist');
  });

  it('is a warning when no class is named and none is default', () => {
    const [finding] = findingsOf(ingClassUnresolved, [ingressClass('nginx'), ingressClass('traefik'), ingress()]);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('none of the classes (nginx, traefik) is marked default');
    expect(finding.objects).toEqual(['Ingress/shop/web', 'IngressClass/nginx', 'IngressClass/traefik']);
    const [bare] = findingsOf(ingClassUnresolved, [ingress()]);
    expect(bare.message).toContain('the cluster has no IngressClass and no known Ingress controller');
  });

  it('does not fire when the class exists, a default class applies, classes are unknown, or the class is GKE\'s', () => {
    expect(findingsOf(ingClassUnresolved, [ingressClass('nginx'), ingress('nginx')])).toEqual([]);
    expect(findingsOf(ingClassUnresolved, [ingressClass('nginx', true), ingress()])).toEqual([]);
    // No IngressClass at all may mean they cannot be read: a named class is not judged.
    expect(findingsOf(ingClassUnresolved, [ingress('nginx')])).toEqual([]);
    expect(findingsOf(ingClassUnresolved, [ingressClass('nginx'), ingress(undefined, { 'kubernetes.io/ingress.class': 'gce' })])).toEqual([]);
    // No class anywhere, but a controller runs that may watch classless Ingresses.
    const controller = pod('ingress-nginx', 'ingress-nginx-controller-1', { labels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    expect(findingsOf(ingClassUnresolved, [controller, ingress()])).toEqual([]);
  });
});
