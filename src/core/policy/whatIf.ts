import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { parseManifests } from '../manifests/parseManifests';
import { ConnectivityCache, workloadConnectivity, type ConnectivityEntry, type ConnectivityFilter } from './connectivity';
import { PolicyEngine } from './PolicyEngine';
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
  // A NetworkPolicy without a namespace lands in default, as kubectl would put it; a policy pasted twice counts once, the last.
  const byId = new Map(objects.map((o) => (o.metadata.namespace || o.kind !== 'NetworkPolicy' ? o : { ...o, metadata: { ...o.metadata, namespace: 'default' } })).map((o) => [idOf(o), o]));
  return [...byId.values()];
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

/**
 * What-if: the connectivity with the policies applied, and what changes. Only the pods the pasted
 * policies select (as they are, and as they were) are judged again; the rest of `before`'s list
 * stands. `cache` must hold `before`'s results (from `workloadConnectivity(before, filter, cache)`)
 * and is left holding them. Nothing is applied anywhere.
 */
export function previewPolicies(before: PolicyEngine, policies: readonly KubeObject[], filter: ConnectivityFilter = {}, prepared?: { list: ConnectivityEntry[]; cache: ConnectivityCache }) {
  const cache = prepared?.cache ?? new ConnectivityCache();
  const beforeList = prepared?.list ?? workloadConnectivity(before, filter, cache);
  const engine = new PolicyEngine(withPolicies(before.objects, policies), before.options);
  const touched = policies.flatMap((p) => [...before.podsSelectedBy(idOf(p)), ...engine.podsSelectedBy(idOf(p))]);
  cache.invalidate(touched);
  const afterList = workloadConnectivity(engine, filter, cache);
  // Back to `before` for those pods on the next run.
  cache.invalidate(touched);
  return { engine, connectivity: afterList, changes: diffConnectivity(beforeList, afterList), problems: engine.policies.filter((p) => policies.some((q) => idOf(q) === p.id) && p.problems.length) };
}

export const formatChange = (c: ConnectivityChange) => [c.gained ? `+ ${c.source} => ${c.destination} : ${c.gained}` : '', c.lost ? `- ${c.source} => ${c.destination} : ${c.lost}` : ''].filter(Boolean).join('\n');
