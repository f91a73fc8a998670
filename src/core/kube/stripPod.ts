/** The pod-level fields Strata keeps, from a pod's spec and status or a workload's pod template. */
import type { Container, ContainerPort, ContainerProbe, PodNetworkSpec, PodTemplate } from '../../shared/kube';
import { arr, conditions, conditionTrue, definedOnly, isObject, num, obj, protocol, str, stringMap, strings, type Json } from './json';

/** Flags kept from DaemonSet and pod command lines: they say how the network is set up, and carry no credentials. */
const NETWORK_FLAGS = /^--?(proxy-mode|localip|kube-proxy-replacement|enable-network-policy|run-firewall|enable-policy|policy-enforcement|enable-ipv4|tunnel|run-service-proxy|network-policy)(=|$)/;

const PROBES = [
  ['readinessProbe', 'readiness'],
  ['livenessProbe', 'liveness'],
  ['startupProbe', 'startup'],
] as const;

function probes(c: Json): ContainerProbe[] {
  const out: ContainerProbe[] = [];
  for (const [field, probe] of PROBES) {
    const p = obj(c[field]);
    for (const action of ['httpGet', 'tcpSocket', 'grpc'] as const) {
      if (!isObject(p[action])) continue;
      const port = p[action].port;
      if (typeof port === 'number' || (typeof port === 'string' && port !== '')) out.push({ probe, action, port: typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port });
    }
  }
  return out;
}

/** The network flags of a command line, with the value that follows a flag written without `=` (`-localip 169.254.20.10`). */
function networkFlags(args: readonly string[]): string[] {
  const kept: string[] = [];
  args.forEach((arg, i) => {
    if (!NETWORK_FLAGS.test(arg)) return;
    kept.push(arg);
    const next = args[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) kept.push(next);
  });
  return kept;
}

function container(c: Json, sidecar: boolean): Container {
  const found = probes(c);
  const networkArgs = networkFlags([...strings(c.command), ...strings(c.args)]);
  return definedOnly({
    name: str(c.name) ?? '',
    image: str(c.image),
    ports: arr(c.ports)
      .filter(isObject)
      .filter((p) => num(p.containerPort) !== undefined)
      .map((p): ContainerPort => definedOnly({ name: str(p.name), containerPort: num(p.containerPort)!, protocol: protocol(p.protocol), hostPort: num(p.hostPort), hostIP: str(p.hostIP) })),
    probes: found.length ? found : undefined,
    sidecar: sidecar || undefined,
    networkArgs: networkArgs.length ? networkArgs : undefined,
  });
}

/** A pod spec's containers, with its restartable init containers (native sidecars), which serve ports too. */
export function containers(spec: Json): Container[] {
  const sidecars = arr(spec.initContainers).filter(isObject).filter((c) => c.restartPolicy === 'Always');
  return [...arr(spec.containers).filter(isObject).map((c) => container(c, false)), ...sidecars.map((c) => container(c, true))];
}

export function podNetworkSpec(spec: Json): PodNetworkSpec {
  const gates = arr(spec.readinessGates).filter(isObject).map((g) => str(g.conditionType)).filter((g): g is string => !!g);
  return definedOnly({ dnsPolicy: str(spec.dnsPolicy), hostname: str(spec.hostname), subdomain: str(spec.subdomain), readinessGates: gates.length ? gates : undefined });
}

export function podTemplate(raw: unknown): PodTemplate {
  const t = obj(raw);
  const spec = obj(t.spec);
  return definedOnly({ labels: stringMap(obj(t.metadata).labels) ?? {}, containers: containers(spec), hostNetwork: spec.hostNetwork === true || undefined, ...podNetworkSpec(spec) });
}

/** Why a pod is not Ready, in a few words: a container's waiting reason, a failing probe, a readiness gate, the scheduler. */
export function notReadyReason(spec: Json, status: Json): string | undefined {
  const conds = conditions(status);
  const unschedulable = conds.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unschedulable) return `not scheduled${unschedulable.reason ? ` (${unschedulable.reason})` : ''}${unschedulable.message ? `: ${unschedulable.message}` : ''}`;
  for (const c of [...arr(status.initContainerStatuses), ...arr(status.containerStatuses)].filter(isObject)) {
    const state = obj(c.state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    if (str(waiting.reason) && waiting.reason !== 'PodInitializing') return `container ${str(c.name) ?? '?'} is waiting: ${str(waiting.reason)}`;
    if (str(terminated.reason) && c.ready !== true && terminated.reason !== 'Completed') return `container ${str(c.name) ?? '?'} terminated: ${str(terminated.reason)}`;
  }
  const unready = arr(status.containerStatuses).filter(isObject).filter((c) => c.ready === false && isObject(obj(c.state).running));
  if (unready.length) return `container ${unready.map((c) => str(c.name) ?? '?').join(', ')} running but not ready (readiness probe failing)`;
  for (const gate of podNetworkSpec(spec).readinessGates ?? []) {
    const cond = conds.find((c) => c.type === gate);
    if (cond?.status !== 'True') return `readiness gate ${gate} is ${cond ? cond.status : 'not set'}`;
  }
  return undefined;
}

/** A pod's readiness: its Ready condition, or false for a pod the scheduler could not place (it has no Ready condition yet). */
export function podReady(status: Json): boolean | null {
  return conditionTrue(status, 'Ready') ?? (conditionTrue(status, 'PodScheduled') === false ? false : null);
}
