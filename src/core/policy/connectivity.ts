import type { KubeObject, Pod, Protocol } from '../../shared/kube';
import { ClusterIndex } from '../topology/ClusterIndex';
import { workloadOf } from '../topology/computeLayer';
import { allAddresses, containsIp, formatIp, formatRange, parseIp, splitAddressSpace, type IpRange } from './ipRanges';
import { allowedPorts, type PolicyEngine } from './PolicyEngine';
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
export function workloadConnectivity(engine: PolicyEngine, objects: readonly KubeObject[], filter: ConnectivityFilter = {}): ConnectivityEntry[] {
  const index = new ClusterIndex({ objects });
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

  // Pods that no policy can tell apart share one evaluation: same namespace, labels, named ports
  // and (when ipBlocks match pod IPs) the same ipBlocks around their IPs.
  const classKey = (pod: Pod) => {
    const labels = Object.entries(pod.metadata.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    const ports = pod.spec.containers.flatMap((c) => c.ports.filter((p) => p.name).map((p) => `${p.name}/${p.protocol}/${p.containerPort}`)).sort();
    const ips = pod.status.podIPs.flatMap((ip) => parseIp(ip) ?? []);
    const blocks = pod.spec.hostNetwork || engine.options.ipBlockMatchesPods ? ranges.map((r, i) => (ips.some((ip) => containsIp(r, ip)) ? i : -1)).filter((i) => i >= 0) : [];
    return JSON.stringify([pod.metadata.namespace, labels, ports, pod.spec.hostNetwork ? pod.spec.nodeName : '', blocks]);
  };
  const classes = new Map<string, Pod[]>();
  const groups = new Map<string, Set<Pod[]>>();
  for (const pod of engine.pods) {
    const key = classKey(pod);
    let members = classes.get(key);
    if (!members) classes.set(key, (members = []));
    members.push(pod);
    const label = workloadLabel(pod, index);
    let group = groups.get(label);
    if (!group) groups.set(label, (group = new Set()));
    group.add(members);
  }

  const pairCache = new Map<Pod[], Map<Pod[], PortSet>>();
  const between = (a: Pod[], b: Pod[]): PortSet => {
    let row = pairCache.get(a);
    if (!row) pairCache.set(a, (row = new Map()));
    let ports = row.get(b);
    if (!ports) {
      // Two pods of one class: any two distinct members stand for all (a pod alone has only itself).
      const target = a === b ? b[1] : b[0];
      ports = target ? engine.evaluate({ pod: a[0] }, { pod: target }).allowed : PortSet.EMPTY;
      row.set(b, ports);
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
  const families: (4 | 6)[] = ranges.some((r) => r.family === 6) ? [4, 6] : [4];
  for (const family of families) {
    const pieces = splitAddressSpace(family, ranges);
    for (const label of labels) {
      const members = [...groups.get(label)!];
      for (const direction of ['ingress', 'egress'] as const) {
        if (!sideMatches(filter[direction === 'ingress' ? 'to' : 'from'], label)) continue;
        let open: { range: IpRange; ports: PortSet } | undefined;
        const close = () => {
          if (!open || open.ports.isEmpty()) return;
          const external = `${formatRange(open.range)}[External]`;
          entries.push(direction === 'ingress' ? { source: external, destination: label, ports: open.ports } : { source: label, destination: external, ports: open.ports });
        };
        for (const piece of pieces) {
          const peer = { ip: formatIp({ family, value: piece.lo }) };
          const wanted = filter[direction === 'ingress' ? 'from' : 'to'];
          const ports = wanted && !matchesEndpointQuery('', wanted, piece) ? PortSet.EMPTY : restrict(members.reduce((all, m) => all.union(allowedPorts(engine.evaluateSide(m[0], peer, direction))), PortSet.EMPTY));
          if (open && open.ports.equals(ports)) open.range = { family, lo: open.range.lo, hi: piece.hi };
          else {
            close();
            open = { range: piece, ports };
          }
        }
        close();
      }
    }
  }
  return entries.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
}

/** The whole IPv4 space, for tests and docs: `0.0.0.0-255.255.255.255[External]`. */
export const WHOLE_IPV4 = `${formatRange(allAddresses(4))}[External]`;

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
