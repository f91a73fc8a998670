import { describe, expect, it } from 'vitest';
import { kube } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { icMultipleDefaults } from './icMultipleDefaults';

const ingressClass = (name: string, isDefault: boolean) =>
  kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations: { 'ingressclass.kubernetes.io/is-default-class': String(isDefault) } }, spec: { controller: `example.com/${name}` } });

describe('ic.multiple-defaults', () => {
  it('gives each default class a finding naming the other defaults', () => {
    const findings = findingsOf(icMultipleDefaults, [ingressClass('nginx', true), ingressClass('traefik', true), ingressClass('haproxy', false)]);
    expect(findings).toHaveLength(2);
    const nginx = findings.find((f) => f.objects[0] === 'IngressClass/nginx')!;
    expect(nginx).toMatchObject({ rule: 'ic.multiple-defaults', severity: 'warning', layer: 'entry' });
    expect(nginx.message).toContain('IngressClass nginx is marked default, and so is IngressClass traefik;');
    expect(nginx.objects).toEqual(['IngressClass/nginx', 'IngressClass/traefik']);
    expect(findings.find((f) => f.objects[0] === 'IngressClass/traefik')!.objects).toEqual(['IngressClass/traefik', 'IngressClass/nginx']);
  });

  it('does not fire for a single default class, or a class annotated "false"', () => {
    expect(findingsOf(icMultipleDefaults, [ingressClass('nginx', true), ingressClass('traefik', false)])).toEqual([]);
  });
});
