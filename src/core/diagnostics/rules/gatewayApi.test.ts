import { describe, expect, it } from 'vitest';
import type { Gateway, KubeObject } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { namespace } from '../../testing/manifests';
import { DiagnosticContext, groupByKind, type DiagnosticSources } from '../DiagnosticContext';
import { gateway, referenceGrant, route } from '../../testing/gatewayApi';
import { attachmentProblem, grantAllows, hostnamesIntersect, sameParent, selectedListeners, type Route } from './gatewayApi';

/** A context over a few objects, for the helpers that read the cluster. */
function contextOf(ns: string, objects: KubeObject[]): DiagnosticContext {
  const byPart = new Map<string, Map<string, KubeObject>>();
  const kindCounts = new Map<string, number>();
  for (const o of objects) {
    const part = o.metadata.namespace ?? '';
    if (!byPart.has(part)) byPart.set(part, new Map());
    byPart.get(part)!.set(idOf(o), o);
    kindCounts.set(o.kind, (kindCounts.get(o.kind) ?? 0) + 1);
  }
  const sources: DiagnosticSources = {
    kindCounts,
    partObjects: (n) => byPart.get(n),
    clusterObjectsByKind: () => groupByKind(byPart.get('')?.values() ?? []),
    observes: () => true,
    policy: () => {
      throw new Error('unused');
    },
    profile: () => {
      throw new Error('unused');
    },
    podsWithRole: () => [],
    now: 0,
  };
  return new DiagnosticContext(ns, sources);
}

describe('hostnamesIntersect', () => {
  it('matches equal names and wildcards over one or more labels, in either direction', () => {
    expect(hostnamesIntersect('shop.example.com', 'shop.example.com')).toBe(true);
    expect(hostnamesIntersect('*.example.com', 'shop.example.com')).toBe(true);
    expect(hostnamesIntersect('a.b.example.com', '*.example.com')).toBe(true);
    expect(hostnamesIntersect('*.example.com', '*.shop.example.com')).toBe(true);
    expect(hostnamesIntersect('Shop.Example.com', 'shop.example.com')).toBe(true);
  });

  it('does not let a wildcard match its own suffix or another domain', () => {
    expect(hostnamesIntersect('*.example.com', 'example.com')).toBe(false);
    expect(hostnamesIntersect('*.example.com', 'shop.example.org')).toBe(false);
    expect(hostnamesIntersect('*.example.com', 'badexample.com')).toBe(false);
    expect(hostnamesIntersect('shop.example.com', 'cart.example.com')).toBe(false);
  });
});

describe('parentRef matching', () => {
  const gw = gateway('infra', 'public', { listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com' }] }) as Gateway;

  it('selects listeners by sectionName and port', () => {
    expect(selectedListeners(gw, { name: 'public' }).map((l) => l.name)).toEqual(['http', 'https']);
    expect(selectedListeners(gw, { name: 'public', sectionName: 'https' }).map((l) => l.name)).toEqual(['https']);
    expect(selectedListeners(gw, { name: 'public', port: 80 }).map((l) => l.name)).toEqual(['http']);
    expect(selectedListeners(gw, { name: 'public', sectionName: 'https', port: 80 })).toEqual([]);
  });

  it('compares status parentRefs with the defaults filled in', () => {
    expect(sameParent({ name: 'public' }, { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'shop', name: 'public' }, 'shop')).toBe(true);
    expect(sameParent({ name: 'public', sectionName: 'http' }, { name: 'public' }, 'shop')).toBe(false);
  });

  it('explains a refusal by namespace selector against the route namespace labels, and accepts when any listener admits', () => {
    const selective = gateway('infra', 'public', {
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['shop'] }] } } } }],
    }) as Gateway;
    const web = route('shop', 'web', { parentRefs: [{ name: 'public', namespace: 'infra' }] }) as Route;
    const refused = attachmentProblem(web, web.spec.parentRefs[0], selective, contextOf('shop', [namespace('shop', { team: 'cart' }), selective, web]));
    expect(refused?.reason).toBe('NotAllowedByListeners');
    expect(refused?.why).toContain('team In (shop)');
    expect(attachmentProblem(web, web.spec.parentRefs[0], selective, contextOf('shop', [namespace('shop', { team: 'shop' }), selective, web]))).toBeUndefined();
    // Without the Namespace object its labels are unknown: no verdict.
    expect(attachmentProblem(web, web.spec.parentRefs[0], selective, contextOf('shop', [selective, web]))).toBeUndefined();
  });
});

describe('grantAllows', () => {
  const from = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' };
  it('needs a grant in the target namespace for the source kind and namespace, to the name or to all names', () => {
    const all = referenceGrant('backend', 'g', [from], [{ group: '', kind: 'Service' }]);
    const named = referenceGrant('backend', 'g', [from], [{ group: '', kind: 'Service', name: 'api' }]);
    const to = { group: '', kind: 'Service', name: 'api' };
    expect(grantAllows(contextOf('shop', [all]), 'backend', from, to)).toBe(true);
    expect(grantAllows(contextOf('shop', [named]), 'backend', from, to)).toBe(true);
    expect(grantAllows(contextOf('shop', [named]), 'backend', from, { ...to, name: 'db' })).toBe(false);
    expect(grantAllows(contextOf('shop', [all]), 'backend', { ...from, kind: 'GRPCRoute' }, to)).toBe(false);
    expect(grantAllows(contextOf('shop', [referenceGrant('shop', 'g', [from], [{ group: '', kind: 'Service' }])]), 'backend', from, to)).toBe(false);
  });
});
