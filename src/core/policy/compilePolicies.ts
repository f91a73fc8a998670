import type { AdminNetworkPolicy, BaselineAdminNetworkPolicy, LabelSelector, NetworkPolicy, Protocol } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { parseCidr, rangeWithin, type IpRange } from './ipRanges';
import { PROTOCOLS } from './portSet';

/**
 * NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy specs read into one form the
 * engine evaluates, with the API server's defaulting applied (protocol TCP, policyTypes inferred)
 * and its validation run: a spec the API server would reject carries the reasons, worded as the
 * API server words them, and is not enforced, since it could not exist in a cluster.
 */
export type Direction = 'ingress' | 'egress';
export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

export type PolicyKind = 'NetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

/** Who a rule's peer is. `namespaces: 'own'` is the policy's own namespace (a podSelector-only peer). */
export type PeerMatch =
  | { kind: 'pods'; namespaces: LabelSelector | 'own'; pods: LabelSelector }
  | { kind: 'ipBlock'; cidr: IpRange; except: IpRange[]; text: string }
  | { kind: 'nodes'; nodes: LabelSelector }
  | { kind: 'networks'; cidrs: IpRange[]; text: string };

/** A port clause: numbers (with an optional end), a whole protocol, or a name resolved per destination pod. */
export type PortMatch = { protocol: Protocol; port?: number; endPort?: number } | { protocol?: Protocol; name: string };

export type RuleAction = 'Allow' | 'Deny' | 'Pass';

export interface CompiledRule {
  /** `ingress[0]` for a NetworkPolicy; the rule's own name, or its position, for the admin kinds. */
  name: string;
  action: RuleAction;
  /** 'any' when the rule names no peers: every source or destination, external ones included. */
  peers: PeerMatch[] | 'any';
  /** 'any' when the rule names no ports: every port of every protocol. */
  ports: PortMatch[] | 'any';
}

export interface CompiledPolicy {
  id: string;
  kind: PolicyKind;
  name: string;
  namespace?: string;
  /** AdminNetworkPolicy only: 0–1000, lower wins. */
  priority?: number;
  /** The pods it applies to; absent on an admin policy without a valid subject, which selects nothing. */
  subject?: { namespaces: LabelSelector | 'own'; pods: LabelSelector };
  /** NetworkPolicy: the (inferred) policyTypes, which isolate. Admin kinds never isolate; their rules decide or fall through. */
  types: Record<Direction, boolean>;
  rules: Record<Direction, CompiledRule[]>;
  /** Why the API server would reject it; empty when valid. */
  problems: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** Set to something: YAML's `key:` with no value reads as null, which the API server treats as absent. */
const given = (v: unknown): boolean => v !== undefined && v !== null;
/** A manifest's value as text: a string as it is, anything else as its JSON (String() throws on an object whose `toString` is not a function). */
const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** A metav1.LabelSelector, validated as the API server does. */
function readSelector(raw: unknown, path: string, problems: string[]): LabelSelector {
  if (raw !== undefined && raw !== null && !isObject(raw)) problems.push(`${path}: Invalid value: must be a label selector object`);
  const selector = isObject(raw) ? raw : {};
  const out: LabelSelector = {};
  if (isObject(selector.matchLabels)) out.matchLabels = Object.fromEntries(Object.entries(selector.matchLabels).map(([k, v]) => [k, asText(v)]));
  const expressions = list(selector.matchExpressions);
  if (expressions.length) {
    out.matchExpressions = expressions.filter(isObject).map((e, i) => {
      const at = `${path}.matchExpressions[${i}]`;
      const operator = asText(e.operator);
      const values = list(e.values).map(asText);
      if (!OPERATORS.includes(operator)) problems.push(`${at}.operator: Unsupported value: "${operator}": supported values: "${OPERATORS.join('", "')}"`);
      else if ((operator === 'In' || operator === 'NotIn') && values.length === 0) problems.push(`${at}.values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
      else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) problems.push(`${at}.values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
      return { key: asText(e.key), operator: operator as 'In', values };
    });
  }
  return out;
}

/** An IANA service name, as a named port must be: 1–15 of [a-z0-9-], a letter among them, no leading, trailing or double hyphen. */
const isPortName = (name: string) => /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');

function readProtocol(raw: unknown, path: string, problems: string[]): Protocol {
  if (raw === undefined || raw === null) return 'TCP';
  if ((PROTOCOLS as readonly unknown[]).includes(raw)) return raw as Protocol;
  problems.push(`${path}: Unsupported value: "${asText(raw)}": supported values: "SCTP", "TCP", "UDP"`);
  return 'TCP';
}

function readPortNumber(raw: unknown, path: string, problems: string[]): number | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 65535) return raw;
  problems.push(`${path}: Invalid value: ${JSON.stringify(raw)}: must be between 1 and 65535, inclusive`);
  return undefined;
}

/** NetworkPolicyPort: protocol (default TCP), port (number or name), endPort (numeric port only, ≥ port). */
function readNetworkPolicyPort(raw: unknown, path: string, problems: string[]): PortMatch {
  const entry = isObject(raw) ? raw : {};
  const protocol = readProtocol(entry.protocol, `${path}.protocol`, problems);
  const { port, endPort } = entry;
  const hasEnd = endPort !== undefined && endPort !== null;
  if (port === undefined || port === null) {
    if (hasEnd) problems.push(`${path}.endPort: Invalid value: ${JSON.stringify(endPort)}: may not be specified when \`port\` is not specified`);
    return { protocol };
  }
  if (typeof port === 'string') {
    if (!isPortName(port)) problems.push(`${path}.port: Invalid value: "${port}": must be a valid port name (an IANA_SVC_NAME: at most 15 characters of a-z, 0-9 and '-', with at least one letter)`);
    if (hasEnd) problems.push(`${path}.endPort: Invalid value: ${JSON.stringify(endPort)}: may not be specified when \`port\` is non-numeric`);
    return { protocol, name: port };
  }
  const number = readPortNumber(port, `${path}.port`, problems) ?? 1;
  if (!hasEnd) return { protocol, port: number };
  const end = readPortNumber(endPort, `${path}.endPort`, problems) ?? number;
  if (end < number) problems.push(`${path}.endPort: Invalid value: ${end}: must be greater than or equal to \`port\``);
  return { protocol, port: number, endPort: Math.max(end, number) };
}

function readCidr(raw: unknown, path: string, problems: string[]): IpRange | undefined {
  const parsed = parseCidr(asText(raw ?? ''));
  if ('error' in parsed) {
    problems.push(`${path}: Invalid value: "${asText(raw ?? '')}": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`);
    return undefined;
  }
  return parsed;
}

/** NetworkPolicyPeer: podSelector and/or namespaceSelector (ANDed), or an ipBlock, never both (rules 7, 8, 10). */
function readNetworkPolicyPeer(raw: unknown, path: string, problems: string[]): PeerMatch | undefined {
  const peer = isObject(raw) ? raw : {};
  const hasSelectors = given(peer.podSelector) || given(peer.namespaceSelector);
  if (given(peer.ipBlock)) {
    if (hasSelectors) problems.push(`${path}: Forbidden: may not specify both ipBlock and another peer`);
    const block = isObject(peer.ipBlock) ? peer.ipBlock : {};
    if (typeof block.cidr !== 'string' || block.cidr === '') {
      problems.push(`${path}.ipBlock.cidr: Required value`);
      return undefined;
    }
    const cidr = readCidr(block.cidr, `${path}.ipBlock.cidr`, problems);
    const except = list(block.except).flatMap((e, i) => {
      const range = readCidr(e, `${path}.ipBlock.except[${i}]`, problems);
      if (!range || !cidr) return [];
      if (!rangeWithin(range, cidr) || (range.lo === cidr.lo && range.hi === cidr.hi)) {
        problems.push(`${path}.ipBlock.except[${i}]: Invalid value: "${asText(e)}": must be a strict subset of \`cidr\``);
        return [];
      }
      return [range];
    });
    return cidr ? { kind: 'ipBlock', cidr, except, text: `${asText(block.cidr)}${except.length ? ` except ${list(block.except).map(asText).join(', ')}` : ''}` } : undefined;
  }
  if (!hasSelectors) {
    problems.push(`${path}: Required value: must specify a peer`);
    return undefined;
  }
  return {
    kind: 'pods',
    namespaces: given(peer.namespaceSelector) ? readSelector(peer.namespaceSelector, `${path}.namespaceSelector`, problems) : 'own',
    pods: readSelector(peer.podSelector, `${path}.podSelector`, problems),
  };
}

export function compileNetworkPolicy(policy: NetworkPolicy): CompiledPolicy {
  const spec = policy.spec;
  const problems: string[] = [];
  const rawTypes = spec.policyTypes;
  const types: Record<Direction, boolean> = { ingress: false, egress: false };
  if (Array.isArray(rawTypes) && rawTypes.length > 0) {
    if (rawTypes.length > 2) problems.push('spec.policyTypes: Invalid value: may not specify more than two policyTypes');
    rawTypes.forEach((t, i) => {
      if (t === 'Ingress') types.ingress = true;
      else if (t === 'Egress') types.egress = true;
      else problems.push(`spec.policyTypes[${i}]: Unsupported value: "${asText(t)}": supported values: "Egress", "Ingress"`);
    });
  } else {
    // Rule 2: Ingress always; Egress only when the policy has an egress section.
    types.ingress = true;
    types.egress = Array.isArray(spec.egress) && spec.egress.length > 0;
  }
  const rules = { ingress: [] as CompiledRule[], egress: [] as CompiledRule[] };
  for (const direction of DIRECTIONS) {
    const peersField = direction === 'ingress' ? 'from' : 'to';
    list(spec[direction]).forEach((raw, i) => {
      const rule = isObject(raw) ? raw : {};
      const path = `spec.${direction}[${i}]`;
      const peers = list(rule[peersField]);
      const ports = list(rule.ports);
      rules[direction].push({
        name: `${direction}[${i}]`,
        action: 'Allow',
        peers: peers.length === 0 ? 'any' : peers.flatMap((p, j) => readNetworkPolicyPeer(p, `${path}.${peersField}[${j}]`, problems) ?? []),
        ports: ports.length === 0 ? 'any' : ports.map((p, j) => readNetworkPolicyPort(p, `${path}.ports[${j}]`, problems)),
      });
    });
  }
  return {
    id: idOf(policy),
    kind: 'NetworkPolicy',
    name: policy.metadata.name,
    namespace: policy.metadata.namespace,
    subject: { namespaces: 'own', pods: readSelector(spec.podSelector ?? {}, 'spec.podSelector', problems) },
    types,
    rules,
    problems,
  };
}

/** An admin policy's pods or namespaces selection: `{ namespaces }` or `{ pods: { namespaceSelector, podSelector } }`. */
function readAdminSelection(raw: unknown, path: string, problems: string[]): { namespaces: LabelSelector; pods: LabelSelector } | undefined {
  const selection = isObject(raw) ? raw : {};
  if (given(selection.namespaces) && given(selection.pods)) problems.push(`${path}: Too many: 2: must have at most 1 items`);
  if (given(selection.namespaces)) return { namespaces: readSelector(selection.namespaces, `${path}.namespaces`, problems), pods: {} };
  if (isObject(selection.pods)) {
    return {
      namespaces: readSelector(selection.pods.namespaceSelector ?? {}, `${path}.pods.namespaceSelector`, problems),
      pods: readSelector(selection.pods.podSelector ?? {}, `${path}.pods.podSelector`, problems),
    };
  }
  return undefined;
}

function readAdminPeer(raw: unknown, path: string, direction: Direction, problems: string[]): PeerMatch | undefined {
  const peer = isObject(raw) ? raw : {};
  const set = ['namespaces', 'pods', 'nodes', 'networks'].filter((k) => given(peer[k]));
  if (set.length !== 1) {
    problems.push(`${path}: Invalid value: exactly one of namespaces, pods${direction === 'egress' ? ', nodes or networks' : ''} must be set`);
    if (set.length === 0) return undefined;
  }
  if ((set[0] === 'nodes' || set[0] === 'networks') && direction === 'ingress') {
    problems.push(`${path}.${set[0]}: Forbidden: ingress peers may only select namespaces or pods`);
    return undefined;
  }
  if (set[0] === 'nodes') return { kind: 'nodes', nodes: readSelector(peer.nodes, `${path}.nodes`, problems) };
  if (set[0] === 'networks') {
    const cidrs = list(peer.networks).flatMap((c, i) => readCidr(c, `${path}.networks[${i}]`, problems) ?? []);
    return { kind: 'networks', cidrs, text: list(peer.networks).join(', ') };
  }
  const selection = readAdminSelection(peer, path, problems);
  return selection ? { kind: 'pods', ...selection } : undefined;
}

/** AdminNetworkPolicyPort: exactly one of portNumber, namedPort or portRange. */
function readAdminPort(raw: unknown, path: string, problems: string[]): PortMatch | undefined {
  const port = isObject(raw) ? raw : {};
  if (typeof port.namedPort === 'string') return { name: port.namedPort };
  if (isObject(port.portNumber)) {
    const number = readPortNumber(port.portNumber.port, `${path}.portNumber.port`, problems);
    return number === undefined ? undefined : { protocol: readProtocol(port.portNumber.protocol, `${path}.portNumber.protocol`, problems), port: number };
  }
  if (isObject(port.portRange)) {
    const start = readPortNumber(port.portRange.start, `${path}.portRange.start`, problems);
    const end = readPortNumber(port.portRange.end, `${path}.portRange.end`, problems);
    if (start === undefined || end === undefined) return undefined;
    if (end <= start) problems.push(`${path}.portRange: Invalid value: Start port must be less than End port`);
    return { protocol: readProtocol(port.portRange.protocol, `${path}.portRange.protocol`, problems), port: start, endPort: Math.max(start, end) };
  }
  problems.push(`${path}: Invalid value: exactly one of portNumber, namedPort or portRange must be set`);
  return undefined;
}

export function compileAdminPolicy(policy: AdminNetworkPolicy | BaselineAdminNetworkPolicy): CompiledPolicy {
  const spec = policy.spec;
  const problems: string[] = [];
  const baseline = policy.kind === 'BaselineAdminNetworkPolicy';
  const actions: RuleAction[] = baseline ? ['Allow', 'Deny'] : ['Allow', 'Deny', 'Pass'];
  let priority: number | undefined;
  if (baseline) {
    // Rule 28: the BANP is a singleton.
    if (policy.metadata.name !== 'default') problems.push(`metadata.name: Invalid value: "${policy.metadata.name}": Only one baseline admin network policy with metadata.name="default" can be created in the cluster`);
  } else {
    priority = typeof spec.priority === 'number' ? spec.priority : Number.NaN;
    if (!(Number.isInteger(priority) && priority >= 0 && priority <= 1000)) problems.push(`spec.priority: Invalid value: ${JSON.stringify(spec.priority)}: spec.priority in body should be between 0 and 1000`);
  }
  const subject = readAdminSelection(spec.subject, 'spec.subject', problems);
  if (!subject) problems.push('spec.subject: Required value: exactly one of namespaces or pods must be set');
  const rules = { ingress: [] as CompiledRule[], egress: [] as CompiledRule[] };
  for (const direction of DIRECTIONS) {
    const peersField = direction === 'ingress' ? 'from' : 'to';
    const rawRules = list(spec[direction]);
    if (rawRules.length > 100) problems.push(`spec.${direction}: Too many: ${rawRules.length}: must have at most 100 items`);
    rawRules.forEach((raw, i) => {
      const rule = isObject(raw) ? raw : {};
      const path = `spec.${direction}[${i}]`;
      const action = rule.action as RuleAction;
      if (!actions.includes(action)) problems.push(`${path}.action: Unsupported value: "${asText(rule.action)}": supported values: "${actions.join('", "')}"`);
      const peers = list(rule[peersField]).flatMap((p, j) => readAdminPeer(p, `${path}.${peersField}[${j}]`, direction, problems) ?? []);
      if (peers.length === 0) problems.push(`${path}.${peersField}: Required value: at least one peer`);
      const rawPorts = !given(rule.ports) ? undefined : list(rule.ports);
      const ports = rawPorts?.flatMap((p, j) => readAdminPort(p, `${path}.ports[${j}]`, problems) ?? []);
      // Rule 30: nodes and networks have no named ports.
      if (ports?.some((p) => 'name' in p) && peers.some((p) => p.kind === 'nodes' || p.kind === 'networks')) {
        problems.push(`${path}: Invalid value: networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes`);
      }
      rules[direction].push({ name: typeof rule.name === 'string' && rule.name ? rule.name : `${direction}[${i}]`, action: actions.includes(action) ? action : 'Deny', peers, ports: ports ?? 'any' });
    });
  }
  return {
    id: idOf(policy),
    kind: policy.kind,
    name: policy.metadata.name,
    ...(priority !== undefined ? { priority } : {}),
    ...(subject ? { subject } : {}),
    types: { ingress: false, egress: false },
    rules,
    problems,
  };
}
