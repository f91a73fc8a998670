import type { Gateway, GRPCRoute, HTTPRoute, Ingress, IngressBackend, ServiceBackendPort } from '../../shared/kube';
import type { PortMapping, TopologyNode } from '../../shared/model';
import type { ObjectIndex } from './ClusterIndex';
import { servicePortMapping } from './serviceLayer';
import type { TopologyBuilder } from './TopologyBuilder';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Resolves an Ingress backend's port (a number or a Service port name) against the Service, if it exists. */
function ingressPorts(index: ObjectIndex, namespace: string | undefined, serviceName: string, port: ServiceBackendPort): { ports: PortMapping[]; problem?: string } {
  const service = index.get('Service', serviceName, namespace);
  const wanted = port.number ?? port.name;
  if (!service) return { ports: port.number ? [{ port: port.number, protocol: 'TCP' }] : [] };
  const match = service.spec.ports.find((p) => (port.number !== undefined ? p.port === port.number : p.name === port.name));
  if (!match) return { ports: [], problem: `Service ${serviceName} has no port ${JSON.stringify(wanted ?? '(none)')}` };
  return { ports: [servicePortMapping(match)] };
}

function addLoadBalancerAddresses(builder: TopologyBuilder, node: TopologyNode, addresses: readonly string[]): void {
  for (const address of addresses) {
    const external = builder.external(address, `${node.kind} address`);
    builder.addEdge({ type: 'load-balancer', source: external.id, target: node.id });
  }
}

function addIngressBackend(index: ObjectIndex, builder: TopologyBuilder, ingress: TopologyNode, backend: IngressBackend, where: { host?: string; path?: string; defaultBackend?: boolean }, discriminator: string): void {
  if (backend.resource) {
    ingress.problems.push(`Backend ${where.host ?? '*'}${where.path ?? ''} is a ${backend.resource.kind} resource (${backend.resource.name}), which Strata does not draw`);
    return;
  }
  if (!backend.service) {
    ingress.problems.push(`Rule ${where.host ?? '*'}${where.path ?? ''} has no backend`);
    return;
  }
  const { name, port } = backend.service;
  const reason = () => `Ingress ${ingress.namespace}/${ingress.name} routes ${where.host ?? '*'}${where.path ?? ''} to Service ${name}, which does not exist`;
  const target = builder.target('Service', name, ingress.namespace, reason);
  const resolved = ingressPorts(index, ingress.namespace, name, port);
  const problems = [...(target.missing ? [target.missingReason!] : []), ...(resolved.problem ? [resolved.problem] : [])];
  builder.addEdge({ type: 'ingress-backend', source: ingress.id, target: target.id, ports: resolved.ports, problems, ...where }, discriminator);
}

function addIngress(ingress: Ingress, index: ObjectIndex, builder: TopologyBuilder): void {
  const { spec, metadata, status } = ingress;
  const addresses = status.loadBalancerIngress.map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
  const hosts = [...new Set(spec.rules.map((r) => r.host ?? '*'))];
  const node = builder.addNode({
    kind: 'Ingress',
    name: metadata.name,
    namespace: metadata.namespace,
    labels: metadata.labels,
    facts: {
      ...(spec.ingressClassName ? { ingressClass: spec.ingressClassName } : {}),
      ...(hosts.length ? { hosts } : {}),
      ...(spec.tls.length ? { tlsHosts: spec.tls.flatMap((t) => t.hosts) } : {}),
      ...(addresses.length ? { addresses } : {}),
    },
  });
  if (spec.ingressClassName && index.hasAny('IngressClass') && !index.get('IngressClass', spec.ingressClassName)) {
    node.problems.push(`IngressClass ${spec.ingressClassName} does not exist, so no controller serves this Ingress`);
  }
  addLoadBalancerAddresses(builder, node, addresses);
  if (spec.defaultBackend) addIngressBackend(index, builder, node, spec.defaultBackend, { defaultBackend: true }, 'default');
  spec.rules.forEach((rule, r) => {
    rule.paths.forEach((path, p) => {
      addIngressBackend(index, builder, node, path.backend, { host: rule.host ?? '*', path: path.path ?? '/' }, `${r}.${p}`);
    });
  });
}

function addGateway(gateway: Gateway, builder: TopologyBuilder): void {
  const { spec, metadata, status } = gateway;
  const addresses = [...status.addresses, ...spec.addresses].map((a) => a.value).filter(Boolean);
  const node = builder.addNode({
    kind: 'Gateway',
    name: metadata.name,
    namespace: metadata.namespace,
    labels: metadata.labels,
    facts: {
      gatewayClass: spec.gatewayClassName,
      listeners: spec.listeners.map((l) => `${l.name} ${l.protocol}:${l.port}${l.hostname ? ` ${l.hostname}` : ''}`),
      ...(addresses.length ? { addresses: [...new Set(addresses)] } : {}),
    },
  });
  addLoadBalancerAddresses(builder, node, [...new Set(addresses)]);
}

function addRoute(route: HTTPRoute | GRPCRoute, index: ObjectIndex, builder: TopologyBuilder): void {
  const { spec, metadata } = route;
  const namespace = metadata.namespace;
  const node = builder.addNode({
    kind: route.kind,
    name: metadata.name,
    namespace,
    labels: metadata.labels,
    facts: { ...(spec.hostnames.length ? { hostnames: spec.hostnames } : {}), rules: spec.rules.length },
  });

  spec.parentRefs.forEach((parent, i) => {
    const kind = parent.kind ?? 'Gateway';
    if (kind !== 'Gateway' || (parent.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) {
      node.problems.push(`Parent ${kind}/${parent.name} is not a Gateway; Strata draws Gateway parents only`);
      return;
    }
    const parentNamespace = parent.namespace ?? namespace;
    const reason = () => `${route.kind} ${namespace}/${metadata.name} attaches to Gateway ${parentNamespace}/${parent.name}, which does not exist`;
    const gateway = builder.target('Gateway', parent.name, parentNamespace, reason);
    const listener = parent.sectionName ? index.get('Gateway', parent.name, parentNamespace)?.spec.listeners.find((l) => l.name === parent.sectionName) : undefined;
    const problems = gateway.missing ? [gateway.missingReason!] : [];
    if (!gateway.missing && parent.sectionName && !listener) problems.push(`Gateway ${parent.name} has no listener named ${parent.sectionName}`);
    builder.addEdge(
      { type: 'gateway-route', source: gateway.id, target: node.id, problems, ...(spec.hostnames.length ? { host: spec.hostnames.join(', ') } : {}), ...(listener ? { ports: [{ port: listener.port, name: listener.name, protocol: 'TCP' }] } : {}) },
      i,
    );
  });

  spec.rules.forEach((rule, r) => {
    rule.backendRefs.forEach((ref, b) => {
      const kind = ref.kind ?? 'Service';
      if (kind !== 'Service' || (ref.group ?? '') !== '') {
        node.problems.push(`Backend ${kind}/${ref.name} in rule ${r + 1} is not a Service; Strata draws Service backends only`);
        return;
      }
      const backendNamespace = ref.namespace ?? namespace;
      const reason = () => `${route.kind} ${namespace}/${metadata.name} sends traffic to Service ${backendNamespace}/${ref.name}, which does not exist`;
      const target = builder.target('Service', ref.name, backendNamespace, reason);
      const service = index.get('Service', ref.name, backendNamespace);
      const port = ref.port !== undefined ? service?.spec.ports.find((p) => p.port === ref.port) : undefined;
      const problems = target.missing ? [target.missingReason!] : [];
      if (service && ref.port !== undefined && !port) problems.push(`Service ${ref.name} has no port ${ref.port}`);
      if (backendNamespace !== namespace) problems.push(`Cross-namespace backend: it needs a ReferenceGrant in namespace ${backendNamespace}`);
      builder.addEdge(
        {
          type: 'route-backend',
          source: node.id,
          target: target.id,
          weight: ref.weight ?? 1,
          ports: port ? [servicePortMapping(port)] : ref.port !== undefined ? [{ port: ref.port, protocol: 'TCP' }] : [],
          problems,
        },
        `${r}.${b}`,
      );
    });
  });
}

/** Ingresses, Gateways and their HTTPRoutes/GRPCRoutes, with edges to the Services they send traffic to. */
export function addEntryLayer(index: ObjectIndex, builder: TopologyBuilder): void {
  for (const ingress of index.all('Ingress')) addIngress(ingress, index, builder);
  for (const gateway of index.all('Gateway')) addGateway(gateway, builder);
  for (const route of [...index.all('HTTPRoute'), ...index.all('GRPCRoute')]) addRoute(route, index, builder);
}
