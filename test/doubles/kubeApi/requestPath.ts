import type { Catalog, ResourceType } from './catalog';

/**
 * What a request path names, in the real server's URL scheme:
 * `/api/v1[/namespaces/<ns>]/<plural>[/<name>]` and `/apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>]`,
 * plus the discovery and health paths. Anything else is Go's plain-text 404.
 */
export type ApiPath =
  | { kind: 'version' }
  | { kind: 'health' }
  | { kind: 'apiVersions' }
  | { kind: 'groupList' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'resource'; type: ResourceType; namespace?: string; name?: string }
  | { kind: 'notFound' };

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);

export function parseApiPath(pathname: string, catalog: Catalog): ApiPath {
  if (pathname === '/version') return { kind: 'version' };
  if (HEALTH_PATHS.has(pathname)) return { kind: 'health' };
  let segments: string[];
  try {
    segments = pathname.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
  } catch {
    return { kind: 'notFound' };
  }

  let group: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { kind: 'apiVersions' };
    if (segments[1] !== 'v1') return { kind: 'notFound' };
    group = '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { kind: 'groupList' };
    group = segments[1];
    if (!catalog.hasGroup(group)) return { kind: 'notFound' };
    if (segments.length === 2) return { kind: 'group', group };
    if (!catalog.resourceList(group, segments[2])) return { kind: 'notFound' };
    rest = segments.slice(3);
  } else {
    return { kind: 'notFound' };
  }
  const version = group === '' ? 'v1' : segments[2];
  if (rest.length === 0) return { kind: 'resourceList', group, version };

  // `/namespaces/<ns>/<plural>...` is a namespaced path; `/namespaces[/<name>]` is the Namespace resource itself.
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
  const namespace = namespaced ? rest[1] : undefined;
  const [plural, name, subresource] = namespaced ? rest.slice(2) : rest;
  const type = catalog.byPlural(group, version, plural);
  if (!type || subresource !== undefined || (namespaced && !type.namespaced)) return { kind: 'notFound' };
  return { kind: 'resource', type, ...(namespace === undefined ? {} : { namespace }), ...(name === undefined ? {} : { name }) };
}
