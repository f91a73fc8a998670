import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';
import { yamlReason } from '../../core/manifests/parseManifests';

/** A kubeconfig problem the user must fix; the message is one sentence that says what and where. */
export class KubeconfigError extends Error {}

/** No kubeconfig anywhere Strata looks: not an error for commands that can fall back to the demo. */
export class NoKubeconfigError extends KubeconfigError {}

export interface KubeconfigLocation {
  files: string[];
  /** Where the list came from, for messages. */
  origin: '--kubeconfig' | 'KUBECONFIG' | 'default';
}

/** kubectl's rule: `--kubeconfig` wins, then every file in KUBECONFIG, then ~/.kube/config. */
export function locateKubeconfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, home = homedir()): KubeconfigLocation {
  if (flag) return { files: [resolve(flag)], origin: '--kubeconfig' };
  const list = env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
  if (list.length > 0) return { files: list.map((f) => resolve(f)), origin: 'KUBECONFIG' };
  return { files: [join(home, '.kube', 'config')], origin: 'default' };
}

export interface LoadedKubeconfig {
  config: KubeConfig;
  files: string[];
}

function parseKubeconfigFile(file: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KubeconfigError(`Kubeconfig ${file} cannot be read (${(error as NodeJS.ErrnoException).code}).`);
  }
  // Checked with our own parser first, for an error that names the line; client-node's does not.
  const doc = parseDocument(text, { prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line;
    throw new KubeconfigError(`Kubeconfig ${file} is not valid YAML${line ? ` at line ${line}` : ''}: ${yamlReason(yamlError)}.`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    throw new KubeconfigError(`Kubeconfig ${file} is not valid YAML: ${yamlReason(error as Error)}.`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new KubeconfigError(`Kubeconfig ${file} is not a kubeconfig (expected a mapping with clusters, users and contexts).`);
  const config = new KubeConfig();
  try {
    // Entries without a name are dropped rather than failing the whole file, as kubectl tolerates them.
    config.loadFromString(text, { onInvalidEntry: 'filter' });
  } catch (error) {
    throw new KubeconfigError(`Kubeconfig ${file} cannot be used: ${(error as Error).message.split('\n')[0]}.`);
  }
  for (const [list, entries] of [['clusters', config.clusters], ['users', config.users], ['contexts', config.contexts]] as const) {
    const unnamed = entries.find((entry) => typeof entry.name !== 'string');
    if (unnamed) throw new KubeconfigError(`Kubeconfig ${file}: an entry of ${list} has a name that is not text (${JSON.stringify(unnamed.name)?.slice(0, 40)}).`);
  }
  for (const context of config.contexts) {
    for (const field of ['cluster', 'user'] as const) {
      const value: unknown = context[field];
      if (value !== undefined && typeof value !== 'string') throw new KubeconfigError(`Kubeconfig ${file}: context ${JSON.stringify(context.name)} has a ${field} that is not a name (${JSON.stringify(value)?.slice(0, 40)}).`);
    }
  }
  // Relative certificate and key paths are relative to the file that names them.
  config.makePathsAbsolute(dirname(file));
  return config;
}

/**
 * Loads and merges kubeconfig files the way kubectl does: the first file to define a cluster,
 * user or context by name wins, and so does the first current-context. Files listed in KUBECONFIG
 * that do not exist are skipped, as kubectl skips them.
 */
export function loadKubeconfig(location: KubeconfigLocation): LoadedKubeconfig {
  const present = location.files.filter((f) => existsSync(f));
  if (present.length === 0) {
    const where = location.origin === 'default' ? `${location.files[0]} (the default)` : `${location.files.join(', ')} (from ${location.origin})`;
    const Error = location.origin === '--kubeconfig' ? KubeconfigError : NoKubeconfigError;
    throw new Error(`No kubeconfig found at ${where}.`);
  }
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of present) {
    const config = parseKubeconfigFile(file);
    for (const c of config.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of config.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of config.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    currentContext ||= config.currentContext;
  }
  const config = new KubeConfig();
  config.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
  return { config, files: present };
}

export interface ContextSummary {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server?: string;
  current: boolean;
}

export function listContexts({ config }: LoadedKubeconfig): ContextSummary[] {
  return config.contexts.map((c) => ({
    name: c.name,
    cluster: c.cluster,
    user: c.user,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    ...(config.getCluster(c.cluster)?.server ? { server: config.getCluster(c.cluster)!.server } : {}),
    current: c.name === config.currentContext,
  }));
}

/**
 * A KubeConfig whose current context is `name` (the kubeconfig's own current context when absent),
 * checked so that a context naming a missing cluster or user fails here, with a clear sentence.
 */
export function configForContext(loaded: LoadedKubeconfig, name: string | undefined): { config: KubeConfig; context: Context; cluster: Cluster } {
  const contextName = name ?? loaded.config.currentContext;
  if (!contextName) throw new KubeconfigError(`The kubeconfig (${loaded.files.join(', ')}) has no current-context; pass --context NAME (strata contexts lists them).`);
  const context = loaded.config.getContextObject(contextName);
  if (!context) throw new KubeconfigError(`Context ${JSON.stringify(contextName)} is not in the kubeconfig (${loaded.files.join(', ')}); strata contexts lists the ones there are.`);
  for (const field of ['cluster', 'user'] as const) {
    if (!context[field]) throw new KubeconfigError(`Context ${JSON.stringify(contextName)} has no ${field}; set one with kubectl config set-context ${JSON.stringify(contextName)} --${field}=NAME.`);
  }
  const named = loaded.config.getCluster(context.cluster);
  if (!named) throw new KubeconfigError(`Context ${JSON.stringify(contextName)} names cluster ${JSON.stringify(context.cluster)}, which is not in the kubeconfig; add it or fix the context.`);
  if (!named.server) throw new KubeconfigError(`Cluster ${JSON.stringify(named.name)} in the kubeconfig has no server URL.`);
  // client-go reads a server without a scheme (`10.0.0.1:6443`) as https.
  const server = /^[a-z][a-z0-9+.-]*:\/\//i.test(named.server) ? named.server : `https://${named.server}`;
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) {
    throw new KubeconfigError(`Cluster ${JSON.stringify(named.name)} in the kubeconfig has a server that is not an http(s) URL (${JSON.stringify(named.server).slice(0, 60)}).`);
  }
  const cluster: Cluster = { ...named, server };
  if (!loaded.config.getUser(context.user)) throw new KubeconfigError(`Context ${JSON.stringify(contextName)} names user ${JSON.stringify(context.user)}, which is not in the kubeconfig; add it or fix the context.`);
  const config = new KubeConfig();
  config.loadFromOptions({ clusters: loaded.config.clusters.map((c) => (c.name === cluster.name ? cluster : c)), users: loaded.config.users, contexts: loaded.config.contexts, currentContext: contextName });
  return { config, context, cluster };
}
