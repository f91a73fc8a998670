/** Why a request to a cluster failed, in the terms a user acts on. */
export type FailureKind =
  | 'unreachable'
  | 'tls-server'
  | 'tls-client'
  | 'unauthorized'
  | 'forbidden'
  | 'gone'
  | 'not-found'
  | 'credential-plugin'
  | 'server'
  | 'protocol';

/** A failed request to the Kubernetes API; the message is one sentence that says what to do. */
export class KubeApiError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /**
   * True when only the user can fix it (a TLS mismatch, a missing plugin, a rejected credential).
   * The app keeps retrying anyway, since kubeconfigs and logins change; a one-shot command stops.
   */
  get needsUserAction(): boolean {
    return this.kind === 'tls-server' || this.kind === 'tls-client' || this.kind === 'credential-plugin' || this.kind === 'unauthorized';
  }
}

const CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

export interface RequestTarget {
  server: string;
  cluster: string;
  user: string;
}

/** Anything else that went wrong talking to the cluster, kept as a retryable failure rather than a crash. */
export function asKubeApiError(error: unknown): KubeApiError {
  return error instanceof KubeApiError ? error : new KubeApiError('protocol', `Unexpected failure talking to the cluster: ${(error as Error)?.message ?? String(error)}.`);
}

/** Turns a socket, TLS or spawn error into a KubeApiError that names the cause. */
export function classifyRequestError(error: NodeJS.ErrnoException, target: RequestTarget): KubeApiError {
  const code = error.code ?? '';
  const host = (() => {
    try {
      return new URL(target.server).host;
    } catch {
      return target.server;
    }
  })();
  if (code === 'ENOENT' && error.syscall?.startsWith('spawn')) {
    const command = error.path ?? error.syscall.slice('spawn '.length);
    return new KubeApiError('credential-plugin', `The credential plugin "${command}" that user "${target.user}" runs is not installed or not on PATH; install it or fix the user's exec command in the kubeconfig.`);
  }
  if (CA_CODES.has(code)) {
    return new KubeApiError('tls-server', `TLS failure talking to ${host}: the server's certificate is not signed by the CA that cluster "${target.cluster}" trusts in the kubeconfig (${code}); check certificate-authority-data matches this cluster.`);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new KubeApiError('tls-server', `TLS failure talking to ${host}: the server's certificate has expired or is not yet valid (${code}).`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new KubeApiError('tls-server', `TLS failure talking to ${host}: the server's certificate is not valid for that name (${code}); check the server URL or set tls-server-name.`);
  }
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED)/.test(code) || /key values mismatch|bad decrypt|PEM/.test(error.message)) {
    return new KubeApiError('tls-client', `TLS failure talking to ${host}: the server rejected the client certificate of user "${target.user}", or the certificate and key do not match (${code || error.message}).`);
  }
  if (code === 'ECONNREFUSED') return new KubeApiError('unreachable', `Cannot reach ${host}: connection refused; is the cluster up and is this the right context?`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new KubeApiError('unreachable', `Cannot reach ${host}: the name does not resolve (${code}); check the server URL, VPN or DNS.`);
  if (code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EPIPE' || code === 'ECONNABORTED') {
    return new KubeApiError('unreachable', `Cannot reach ${host}: ${code === 'ETIMEDOUT' ? 'the connection timed out' : `the connection failed (${code})`}.`);
  }
  if (error.message.startsWith('credential plugin')) return new KubeApiError('credential-plugin', error.message);
  return new KubeApiError('unreachable', `Request to ${host} failed: ${error.message || code}.`);
}

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { group?: string; kind?: string };
}

/** Turns a non-2xx answer (a Status object, or plain text) into a KubeApiError. */
export function errorFromResponse(status: number, body: string, target: RequestTarget, what: string): KubeApiError {
  let parsed: Status | undefined;
  try {
    parsed = JSON.parse(body) as Status;
  } catch {
    parsed = undefined;
  }
  const reason = parsed?.message ?? body.trim().slice(0, 200);
  switch (status) {
    case 401:
      return new KubeApiError('unauthorized', `The cluster rejected the credentials of user "${target.user}" (401 Unauthorized): the token or certificate has expired or is wrong; log in again.`, 401);
    case 403:
      return new KubeApiError('forbidden', reason || `Forbidden: ${what}`, 403);
    case 404:
      return new KubeApiError('not-found', `${what}: not found on the server (404).`, 404);
    case 410:
      return new KubeApiError('gone', reason || 'resource version too old (410 Gone)', 410);
    default:
      return new KubeApiError(status >= 500 || status === 429 ? 'server' : 'protocol', `${what} failed with ${status}: ${reason}`, status);
  }
}
