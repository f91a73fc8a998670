import { stringify } from 'yaml';

/**
 * A real kubeconfig for tests: one cluster, one user and one context per entry, all under the
 * entry's name, with credentials inline (base64 `*-data` fields, a token, or an exec plugin).
 */
export interface KubeconfigUser {
  token?: string;
  clientCert?: { cert: string; key: string };
  exec?: { command: string; args?: string[]; apiVersion?: string };
}

export interface KubeconfigContext {
  name: string;
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  ca?: string;
  user: KubeconfigUser;
  namespace?: string;
}

export interface KubeconfigSpec {
  contexts: KubeconfigContext[];
  /** current-context; the first context when absent. */
  current?: string;
}

const base64 = (pem: string) => Buffer.from(pem).toString('base64');

function userEntry(user: KubeconfigUser): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (user.clientCert) {
    entry['client-certificate-data'] = base64(user.clientCert.cert);
    entry['client-key-data'] = base64(user.clientCert.key);
  }
  if (user.token !== undefined) entry.token = user.token;
  if (user.exec) {
    entry.exec = {
      apiVersion: user.exec.apiVersion ?? 'client.authentication.k8s.io/v1',
      command: user.exec.command,
      args: user.exec.args ?? [],
      env: null,
      interactiveMode: 'Never',
      provideClusterInfo: false,
    };
  }
  return entry;
}

/** Keys in kubectl's (alphabetical) order, so the file reads like one `kubectl config` wrote. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const config = {
    apiVersion: 'v1',
    clusters: spec.contexts.map((context) => ({
      cluster: { ...(context.ca ? { 'certificate-authority-data': base64(context.ca) } : {}), server: context.server },
      name: context.name,
    })),
    contexts: spec.contexts.map((context) => ({
      context: { cluster: context.name, ...(context.namespace ? { namespace: context.namespace } : {}), user: context.name },
      name: context.name,
    })),
    'current-context': spec.current ?? spec.contexts[0]?.name ?? '',
    kind: 'Config',
    preferences: {},
    users: spec.contexts.map((context) => ({ name: context.name, user: userEntry(context.user) })),
  };
  return stringify(config, { lineWidth: 0 });
}
