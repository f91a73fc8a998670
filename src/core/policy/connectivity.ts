import type { Pod, Protocol } from '../../shared/kube';
import type { ClusterIndex } from '../topology/ClusterIndex';
import { workloadOf } from '../topology/computeLayer';
import { allAddresses, containsIp, formatIp, formatRange, parseIp, splitAddressSpace, type IpRange } from './ipRanges';
import type { PolicyEngine } from './PolicyEngine';
import { PortSet } from './portSet';

/** One allowed pair of the connectivity list: `source => destination : ports`. */
export interface ConnectivityEntry {
  source: string;
  destination: string;
  ports: PortSet;
}

export interface ConnectivityFilter {
  /** A workload (`ns/name`, `ns/name[Kind]`), a namespace (`ns`), or an address for external ranges. */
  from?: string;
  to?: string;
  /** Only these ports, e.g. `PortSet.of('TCP', 8443)`. */
  ports?: PortSet;
}

/**
 * Pair results kept between runs, so that after one policy changes only the pods it selects (before
 * or after the change) are evaluated again. A policy only ever decides for the pods it selects, so
 * every other pair's result stands. Anything else that changes (namespace labels, options) needs
 * `clear()`; pods that change get new class keys by themselves.
 */
export class ConnectivityCache {
  /** Source class id → far end (a class id, or an external piece and direction) → allowed ports. */
  private readonly rows = new Map<string, Map<string, PortSet>>();
  private readonly dirty = new Set<string>();
  /** Class keys are long; rows and columns use a short id per class key instead. */
  private readonly ids = new Map<string, string>();
  /** What never changes for one pod object: its labels-and-ports key and its workload label. */
  readonly perPod = new WeakMap<Pod, { key: string; label: string }>();
  /** A workload's maximal external ranges per direction, by its classes and the filter. */
  readonly externals = new Map<string, { classes: readonly string[]; ranges: { range: IpRange; ports: PortSet }[] }>();

  classId(classKey: string): string {
    let id = this.ids.get(classKey);
    if (id === undefined) this.ids.set(classKey, (id = `c${this.ids.size}`));
    return id;
  }

  row(classId: string): Map<string, PortSet> {
    let row = this.rows.get(classId);
    if (!row) this.rows.set(classId, (row = new Map()));
    return row;
  }

  /** Forget every result that involves these pods (`namespace/name`). */
  invalidate(pods: Iterable<string>): void {
    for (const pod of pods) this.dirty.add(pod);
  }

  clear(): void {
    this.rows.clear();
    this.externals.clear();
    this.ids.clear();
    this.dirty.clear();
  }

  /** Called once per run with each class's key and its pods: drops the results of classes marked dirty. */
  sweep(classes: ReadonlyMap<string, readonly Pod[]>): void {
    if (this.dirty.size === 0) return;
    const stale: string[] = [];
    for (const [key, pods] of classes) if (pods.some((p) => this.dirty.has(`${p.metadata.namespace}/${p.metadata.name}`))) stale.push(this.classId(key));
    for (const id of stale) this.rows.delete(id);
    for (const row of this.rows.values()) for (const id of stale) row.delete(id);
    for (const [key, summary] of this.externals) if (summary.classes.some((id) => stale.includes(id))) this.externals.delete(key);
    this.dirty.clear();
  }
}

/** The first pod of a class on each node. */
function onePerNode(pods: readonly Pod[]): Pod[] {
  const seen = new Map<string, Pod>();
  for (const pod of pods) if (!seen.has(pod.spec.nodeName ?? '')) seen.set(pod.spec.nodeName ?? '', pod);
  return [...seen.values()];
}

/** `namespace/name[Kind]`: a pod's owning workload, or the pod itself when it has none. */
export function workloadLabel(pod: Pod, index: ClusterIndex): string {
  const owner = workloadOf(pod, index);
  return owner ? `${pod.metadata.namespace}/${owner.name}[${owner.kind}]` : `${pod.metadata.namespace}/${pod.metadata.name}[Pod]`;
}

/** Whether a list entry's side matches a `--from`/`--to` query. */
export function matchesEndpointQuery(label: string, query: string, range?: IpRange): boolean {
  const ip = parseIp(query);
  if (ip) return range !== undefined && containsIp(range, ip);
  if (range) return false;
  const bare = label.slice(0, label.indexOf('['));
  return label === query || bare === query || bare.startsWith(`${query}/`) || label.toLowerCase() === query.toLowerCase();
}

/**
 * The allowed connections at workload granularity, as a team reviews them before a deploy. A port
 * is listed for a pair when it is allowed between some pod of the source and some pod of the
 * destination. External addresses are the maximal ranges of equal connectivity: the address
 * space split at every ipBlock and networks boundary, with neighbours that behave alike merged.
 * Self-connections (a workload to itself) are left out. Sorted, so two runs diff cleanly.
 */
export function workloadConnectivity(engine: PolicyEngine, filter: ConnectivityFilter = {}, cache = new ConnectivityCache()): ConnectivityEntry[] {
  const enforced = engine.policies.filter((p) => p.problems.length === 0);
  const ranges: IpRange[] = [];
  for (const policy of enforced) {
    for (const rule of [...policy.rules.ingress, ...policy.rules.egress]) {
      if (rule.peers === 'any') continue;
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') ranges.push(peer.cidr, ...peer.except);
        else if (peer.kind === 'networks') ranges.push(...peer.cidrs);
      }
    }
  }

  // Pods of one workload that no policy can tell apart share one evaluation: same namespace,
  // labels, named ports and (when ipBlocks match pod IPs) the same ipBlocks around their IPs.
  // Which ranges hold each pod's IPs (only pods ipBlocks can see).
  const blocksOf = new Map<Pod, number[]>();
  ranges.forEach((range, i) => {
    for (const pod of engine.podsInRange(range)) {
      const list = blocksOf.get(pod) ?? [];
      if (list.at(-1) !== i) list.push(i);
      blocksOf.set(pod, list);
    }
  });
  const options = JSON.stringify(engine.options);
  const stable = (pod: Pod) => {
    let known = cache.perPod.get(pod);
    if (!known) {
      const labels = Object.entries(pod.metadata.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
      const ports = pod.spec.containers.flatMap((c) => c.ports.filter((p) => p.name).map((p) => `${p.name}/${p.protocol}/${p.containerPort}`)).sort();
      known = { key: JSON.stringify([pod.metadata.namespace, labels, ports, pod.spec.hostNetwork ? pod.spec.nodeName : '']), label: workloadLabel(pod, engine.clusterIndex()) };
      cache.perPod.set(pod, known);
    }
    return known;
  };
  // A class never spans two workloads, so a workload's classes hold only its own pods.
  const classKey = (pod: Pod) => `${options}${stable(pod).label}${stable(pod).key}${blocksOf.get(pod)?.join(',') ?? ''}`;
  const classes = new Map<string, Pod[]>();
  const keyOf = new Map<Pod[], string>();
  const groups = new Map<string, Set<Pod[]>>();
  for (const pod of engine.pods) {
    const key = classKey(pod);
    let members = classes.get(key);
    if (!members) {
      classes.set(key, (members = []));
      keyOf.set(members, cache.classId(key));
    }
    members.push(pod);
    const label = stable(pod).label;
    let group = groups.get(label);
    if (!group) groups.set(label, (group = new Set()));
    group.add(members);
  }

  cache.sweep(classes);
  const between = (a: Pod[], b: Pod[]): PortSet => {
    const row = cache.row(keyOf.get(a)!);
    const column = keyOf.get(b)!;
    let ports = row.get(column);
    if (!ports) {
      ports = PortSet.EMPTY;
      // Any two distinct members stand for their classes, except that a hostNetwork end is its
      // node, so the other end's node matters (own-node traffic is always allowed): one member per node.
      const nodeBound = a[0].spec.hostNetwork || b[0].spec.hostNetwork;
      for (const from of nodeBound ? onePerNode(a) : [a[0]]) {
        for (const to of nodeBound ? onePerNode(b) : [a === b ? b[1] : b[0]]) {
          if (!to || to === from) continue;
          ports = ports.union(engine.allowedSide(from, { pod: to }, 'egress').intersect(engine.allowedSide(to, { pod: from }, 'ingress')));
        }
      }
      row.set(column, ports);
    }
    return ports;
  };
  // One side towards an external piece: the pieces are cut at this class's own ranges only, so
  // each is wholly inside or outside every range that can change the answer.
  const external = (member: Pod[], piece: IpRange, direction: 'ingress' | 'egress'): PortSet => {
    const row = cache.row(keyOf.get(member)!);
    const column = `${direction} ${piece.family} ${piece.lo}-${piece.hi}`;
    let ports = row.get(column);
    if (!ports) {
      ports = engine.allowedSide(member[0], { ip: formatIp({ family: piece.family, value: piece.lo }) }, direction);
      row.set(column, ports);
    }
    return ports;
  };
  const restrict = (ports: PortSet) => (filter.ports ? ports.intersect(filter.ports) : ports);
  const sideMatches = (query: string | undefined, label: string) => !query || matchesEndpointQuery(label, query);

  const entries: ConnectivityEntry[] = [];
  const labels = [...groups.keys()].sort();
  for (const source of labels) {
    if (!sideMatches(filter.from, source)) continue;
    for (const destination of labels) {
      if (source === destination || !sideMatches(filter.to, destination)) continue;
      let ports = PortSet.EMPTY;
      for (const a of groups.get(source)!) for (const b of groups.get(destination)!) if (!ports.isAll()) ports = ports.union(between(a, b));
      ports = restrict(ports);
      if (!ports.isEmpty()) entries.push({ source, destination, ports });
    }
  }

  // External ranges: one address of each piece stands for the piece; per workload and direction,
  // neighbouring pieces with the same ports merge into one maximal range.
  const externalRanges = (members: Pod[][], family: 4 | 6, direction: 'ingress' | 'egress', wanted: string | undefined) => {
    const out: { range: IpRange; ports: PortSet }[] = [];
    let open: { range: IpRange; ports: PortSet } | undefined;
    const own = members.flatMap((m) => engine.addressRangesFor(m[0], direction));
    // Cut where this workload's own ipBlocks start and end (and where a queried range does).
    const cuts = wanted ? [...own, ...ranges] : own;
    const pieces = cuts.length === 0 ? [allAddresses(family)] : splitAddressSpace(family, cuts);
    for (const piece of pieces) {
      const ports = wanted && !matchesEndpointQuery('', wanted, piece) ? PortSet.EMPTY : restrict(members.reduce((all, m) => all.union(external(m, piece, direction)), PortSet.EMPTY));
      if (open && open.ports.equals(ports)) open.range = { family, lo: open.range.lo, hi: piece.hi };
      else {
        if (open && !open.ports.isEmpty()) out.push(open);
        open = { range: piece, ports };
      }
    }
    if (open && !open.ports.isEmpty()) out.push(open);
    return out;
  };
  let rangesText: string | undefined;
  const rangesKey = () => (rangesText ??= ranges.map((r) => `${r.family}:${r.lo}-${r.hi}`).join(','));
  const families: (4 | 6)[] = ranges.some((r) => r.family === 6) ? [4, 6] : [4];
  for (const family of families) {
    for (const label of labels) {
      const members = [...groups.get(label)!];
      for (const direction of ['ingress', 'egress'] as const) {
        if (!sideMatches(filter[direction === 'ingress' ? 'to' : 'from'], label)) continue;
        const wanted = filter[direction === 'ingress' ? 'from' : 'to'];
        const classes = members.map((m) => keyOf.get(m)!);
        // With an address queried, its piece is cut at every policy's ranges: those are part of the key then.
        const summaryKey = `${family} ${direction} ${classes.join(',')} ${filter.ports ?? ''} ${wanted ? `${wanted} ${rangesKey()}` : ''}`;
        let summary = cache.externals.get(summaryKey);
        if (!summary) {
          summary = { classes, ranges: externalRanges(members, family, direction, wanted) };
          cache.externals.set(summaryKey, summary);
        }
        for (const { range, ports } of summary.ranges) {
          const external = `${formatRange(range)}[External]`;
          entries.push(direction === 'ingress' ? { source: external, destination: label, ports } : { source: label, destination: external, ports });
        }
      }
    }
  }
  return entries.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
}

export type ConnectivityFormat = 'txt' | 'json' | 'csv';

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** docs/reach.md describes these formats. */
export function formatConnectivity(entries: readonly ConnectivityEntry[], format: ConnectivityFormat): string {
  switch (format) {
    case 'txt':
      return entries.map((e) => `${e.source} => ${e.destination} : ${e.ports}\n`).join('');
    case 'csv':
      return `source,destination,connections\n${entries.map((e) => `${csvField(e.source)},${csvField(e.destination)},${csvField(String(e.ports))}\n`).join('')}`;
    case 'json':
      return `${JSON.stringify(entries.map((e) => ({ source: e.source, destination: e.destination, connections: String(e.ports), ports: e.ports.toJSON() })), null, 2)}\n`;
  }
}

/** `8443/TCP`, `53/udp` or `TCP` into a port set; undefined when it is not one. */
export function parsePortQuery(text: string): PortSet | undefined {
  const match = /^(?:(\d{1,5})(?:-(\d{1,5}))?)?\/?(tcp|udp|sctp)?$/i.exec(text.trim());
  if (!match || (!match[1] && !match[3])) return undefined;
  const protocol = (match[3]?.toUpperCase() ?? 'TCP') as Protocol;
  const from = match[1] === undefined ? undefined : Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from !== undefined && (from < 1 || to! > 65535 || to! < from)) return undefined;
  return PortSet.of(protocol, from, to);
}
