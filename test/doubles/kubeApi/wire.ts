import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * How the double writes responses: the real server's headers, its Status bodies (field order as
 * Go writes them), and Go's plain-text 404. JSON bodies end with a newline, as Go's encoder does.
 */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export function status(code: number, reason: string, message: string, details?: StatusDetails, metadata: { continue?: string } = {}): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const unauthorized = () => status(401, 'Unauthorized', 'Unauthorized');

export const methodNotAllowed = () => status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export const badRequest = (message: string) => status(400, 'BadRequest', message);

export function notFound(plural: string, group: string, name: string): StatusBody {
  return status(404, 'NotFound', `${plural}${group ? `.${group}` : ''} "${name}" not found`, { name, ...(group ? { group } : {}), kind: plural });
}

export interface ForbiddenRequest {
  user: string;
  verb: string;
  plural: string;
  group: string;
  namespace?: string;
  name?: string;
}

/** Exactly the RBAC denial text; Go omits an empty `details.group`, so the core group has none. */
export function forbidden({ user, verb, plural, group, namespace, name }: ForbiddenRequest): StatusBody {
  const qualified = group ? `${plural}.${group}` : plural;
  const subject = name === undefined ? qualified : `${qualified} "${name}"`;
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${group}" ${scope}`;
  return status(403, 'Forbidden', message, { ...(name === undefined ? {} : { name }), ...(group ? { group } : {}), kind: plural });
}

/** API Priority and Fairness UIDs: constant per server, as real ones are per flow schema. */
const FLOW_SCHEMA_UID = randomUUID();
const PRIORITY_LEVEL_UID = randomUUID();

export function apiHeaders(contentType = 'application/json'): Record<string, string> {
  return {
    'audit-id': randomUUID(),
    'cache-control': 'no-cache, private',
    'content-type': contentType,
    'x-kubernetes-pf-flowschema-uid': FLOW_SCHEMA_UID,
    'x-kubernetes-pf-prioritylevel-uid': PRIORITY_LEVEL_UID,
  };
}

export function sendJsonText(res: ServerResponse, code: number, json: string): void {
  const body = `${json}\n`;
  res.writeHead(code, { ...apiHeaders(), 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export const sendJson = (res: ServerResponse, code: number, value: unknown) => sendJsonText(res, code, JSON.stringify(value));

export const sendStatus = (res: ServerResponse, body: StatusBody) => sendJson(res, body.code, body);

/** Go's http.NotFound: what unknown groups, versions and paths get. Not a Status. */
export function sendPlainNotFound(res: ServerResponse): void {
  const body = '404 page not found\n';
  res.writeHead(404, { ...apiHeaders('text/plain; charset=utf-8'), 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendPlainText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { ...apiHeaders('text/plain; charset=utf-8'), 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
