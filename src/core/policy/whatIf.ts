import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { parseManifests } from '../manifests/parseManifests';
import { workloadConnectivity, type ConnectivityEntry, type ConnectivityFilter } from './connectivity';
import { PolicyEngine, type PolicyOptions } from './PolicyEngine';
import type { PortSet } from './portSet';

const POLICY_KINDS = new Set(['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']);

export class WhatIfError extends Error {}

/**
 * Reads the policies a user pasted or passed with --with-policy. Only policy kinds are taken; a
 * YAML error or another kind is an error that says which, so nothing is previewed by accident.
 */
export function parseWhatIfPolicies(text: string, where: string): KubeObject[] {
  const { objects, notes } = parseManifests(text, where);
  const broken = notes.find((n) => n.severity === 'error');
  if (broken) throw new WhatIfError(`${where}${broken.line ? `:${broken.line}` : ''}: ${broken.message}`);
  const others = objects.filter((o) => !POLICY_KINDS.has(o.kind));
  if (others.length) throw new WhatIfError(`${where}: what-if takes NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy objects only, not ${others.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')}`);
  if (objects.length === 0) throw new WhatIfError(`${where}: no policy found; paste a NetworkPolicy manifest`);
  return objects.map((o) => (o.metadata.namespace || o.kind !== 'NetworkPolicy' ? o : { ...o, metadata: { ...o.metadata, namespace: 'default' } }));
}

/** The state with the given policies added, each replacing the policy of the same kind, namespace and name. */
export function withPolicies(objects: readonly KubeObject[], policies: readonly KubeObject[]): KubeObject[] {
  const replaced = new Set(policies.map(idOf));
  return [...objects.filter((o) => !replaced.has(idOf(o))), ...policies];
}

export interface ConnectivityChange {
  source: string;
  destination: string;
  /** Ports allowed after and not before. */
  gained?: PortSet;
  /** Ports allowed before and not after. */
  lost?: PortSet;
}

/** The pairs and ports that become allowed or denied between two connectivity lists. */
export function diffConnectivity(before: readonly ConnectivityEntry[], after: readonly ConnectivityEntry[]): ConnectivityChange[] {
  const key = (e: ConnectivityEntry) => `${e.source}\u0000${e.destination}`;
  const was = new Map(before.map((e) => [key(e), e]));
  const now = new Map(after.map((e) => [key(e), e]));
  const changes: ConnectivityChange[] = [];
  for (const k of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const a = was.get(k);
    const b = now.get(k);
    const gained = b ? (a ? b.ports.subtract(a.ports) : b.ports) : undefined;
    const lost = a ? (b ? a.ports.subtract(b.ports) : a.ports) : undefined;
    if ((gained && !gained.isEmpty()) || (lost && !lost.isEmpty())) {
      const [source, destination] = k.split('\u0000');
      changes.push({ source, destination, ...(gained && !gained.isEmpty() ? { gained } : {}), ...(lost && !lost.isEmpty() ? { lost } : {}) });
    }
  }
  return changes;
}

/** What-if: the connectivity now and with the policies applied, and what changes. Nothing is applied anywhere. */
export function previewPolicies(objects: readonly KubeObject[], policies: readonly KubeObject[], options: Partial<PolicyOptions> = {}, filter: ConnectivityFilter = {}) {
  const after = withPolicies(objects, policies);
  const engine = new PolicyEngine(after, options);
  const beforeList = workloadConnectivity(new PolicyEngine(objects, options), filter);
  const afterList = workloadConnectivity(engine, filter);
  return { engine, connectivity: afterList, changes: diffConnectivity(beforeList, afterList), problems: engine.policies.filter((p) => policies.some((q) => idOf(q) === p.id) && p.problems.length) };
}

export const formatChange = (c: ConnectivityChange) => [c.gained ? `+ ${c.source} => ${c.destination} : ${c.gained}` : '', c.lost ? `- ${c.source} => ${c.destination} : ${c.lost}` : ''].filter(Boolean).join('\n');
