import type { EndpointSlice, EndpointSlicePort, Service, ServicePort } from '../../shared/kube';
import type { PortMapping } from '../../shared/model';
import { objectId, SERVICE_NAME_LABEL } from '../../shared/kube';
import { formatServicePort } from '../kube/ports';
import { matchesServiceSelector } from '../selectors';
import type { ObjectIndex } from './ClusterIndex';
import type { TopologyBuilder } from './TopologyBuilder';

/** The Service port an EndpointSlice port stands for: the one with the same name ('' for a lone unnamed port). */
function servicePortFor(service: Service | undefined, slicePort: EndpointSlicePort): ServicePort | undefined {
  return service?.spec.ports.find((p) => (p.name ?? '') === (slicePort.name ?? '') && p.protocol === slicePort.protocol);
}

function slicePortMapping(service: Service | undefined, slicePort: EndpointSlicePort): PortMapping {
  const servicePort = servicePortFor(service, slicePort);
  return {
    ...(servicePort ? { port: servicePort.port, targetPort: servicePort.targetPort } : {}),
    ...(slicePort.name ? { name: slicePort.name } : {}),
    protocol: slicePort.protocol,
    ...(slicePort.port !== undefined ? { containerPort: slicePort.port } : {}),
  };
}

export function servicePortMapping(port: ServicePort): PortMapping {
  return {
    port: port.port,
    ...(port.name ? { name: port.name } : {}),
    protocol: port.protocol,
    targetPort: port.targetPort,
    ...(port.nodePort ? { nodePort: port.nodePort } : {}),
  };
}

function addService(service: Service, index: ObjectIndex, builder: TopologyBuilder): void {
  const { spec, status, metadata } = service;
  const loadBalancer = status.loadBalancerIngress.map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
  const node = builder.addNode({
    kind: 'Service',
    name: metadata.name,
    namespace: metadata.namespace,
    labels: metadata.labels,
    facts: {
      type: spec.type,
      ...(spec.headless ? { headless: true } : {}),
      ...(spec.clusterIPs.length ? { clusterIPs: spec.clusterIPs } : {}),
      ...(spec.ports.length ? { ports: spec.ports.map(formatServicePort) } : {}),
      ...(spec.ports.some((p) => p.nodePort) ? { nodePorts: spec.ports.filter((p) => p.nodePort).map((p) => `${p.nodePort}/${p.protocol}`) } : {}),
      ...(loadBalancer.length ? { loadBalancer } : {}),
      ...(spec.externalIPs.length ? { externalIPs: spec.externalIPs } : {}),
      ...(spec.externalName ? { externalName: spec.externalName } : {}),
      ...(spec.selector && Object.keys(spec.selector).length ? { selector: Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`) } : {}),
    },
  });

  for (const address of [...loadBalancer, ...spec.externalIPs]) {
    const external = builder.external(address, loadBalancer.includes(address) ? 'LoadBalancer address' : 'external IP');
    builder.addEdge({ type: 'load-balancer', source: external.id, target: node.id, ports: spec.ports.map(servicePortMapping) });
  }

  if (spec.type === 'ExternalName') {
    if (spec.externalName) {
      const external = builder.external(spec.externalName, 'ExternalName target');
      builder.addEdge({ type: 'external-name', source: node.id, target: external.id, ports: spec.ports.map(servicePortMapping) });
    } else {
      node.problems.push('ExternalName Service has no spec.externalName');
    }
    return;
  }

  const namespace = metadata.namespace ?? '';
  if (spec.selector && Object.keys(spec.selector).length > 0) {
    const [firstKey, firstValue] = Object.entries(spec.selector)[0];
    const selected = index.podsWithLabel(namespace, firstKey, firstValue).filter((pod) => matchesServiceSelector(pod.metadata.labels, spec.selector));
    const selector = Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(',');
    if (selected.length === 0) node.problems.push(`Selector ${selector} matches no pods in namespace ${namespace}`);
  }
}

function addEndpointSlice(slice: EndpointSlice, index: ObjectIndex, builder: TopologyBuilder): void {
  const namespace = slice.metadata.namespace;
  const serviceName = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  const ready = slice.endpoints.filter((e) => e.conditions.ready).length;
  const node = builder.addNode({
    kind: 'EndpointSlice',
    name: slice.metadata.name,
    namespace,
    labels: slice.metadata.labels,
    synthesized: slice.synthesized,
    facts: {
      addressType: slice.addressType,
      endpoints: slice.endpoints.length,
      readyEndpoints: ready,
      ports: slice.ports.map((p) => `${p.name ? `${p.name}:` : ''}${p.port ?? '(all)'}/${p.protocol}`),
      ...(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] ? { managedBy: slice.metadata.labels['endpointslice.kubernetes.io/managed-by'] } : {}),
    },
  });

  const service = serviceName ? index.get('Service', serviceName, namespace) : undefined;
  if (serviceName) {
    const reason = () => `EndpointSlice ${namespace}/${slice.metadata.name} belongs to Service ${serviceName}, which does not exist`;
    const target = builder.target('Service', serviceName, namespace, reason);
    builder.addEdge({
      type: 'service-slice',
      source: target.id,
      target: node.id,
      ports: slice.ports.map((p) => slicePortMapping(service, p)),
      problems: target.missing ? [target.missingReason!] : [],
    });
  } else {
    node.problems.push(`EndpointSlice has no ${SERVICE_NAME_LABEL} label, so no Service routes to it`);
  }

  const ports = slice.ports.map((p) => slicePortMapping(service, p));
  slice.endpoints.forEach((endpoint, i) => {
    const ref = endpoint.targetRef;
    let targetId: string;
    const problems: string[] = [];
    if (ref && ref.kind === 'Pod') {
      const reason = () => `EndpointSlice ${namespace}/${slice.metadata.name} points at Pod ${ref.name}, which does not exist`;
      const target = builder.target('Pod', ref.name, ref.namespace ?? namespace, reason);
      if (target.missing) problems.push(target.missingReason!);
      targetId = target.id;
    } else {
      const address = endpoint.addresses[0] ?? '(no address)';
      targetId = builder.external(address, 'Endpoint address').id;
    }
    if (!endpoint.conditions.ready && !endpoint.conditions.terminating) problems.push('Endpoint is not ready: it receives no traffic');
    builder.addEdge(
      { type: 'slice-endpoint', source: node.id, target: targetId, ports, conditions: endpoint.conditions, problems },
      ref ? undefined : i,
    );
  });
}

/** Services (with their LoadBalancer and ExternalName Externals) and EndpointSlices. */
export function addServiceLayer(index: ObjectIndex, builder: TopologyBuilder): void {
  for (const service of index.all('Service')) addService(service, index, builder);
  for (const slice of index.all('EndpointSlice')) addEndpointSlice(slice, index, builder);

  // A Service with no EndpointSlice at all says so, so that "no endpoints" is visible without counting edges.
  const withSlices = new Set(index.all('EndpointSlice').map((s) => `${s.metadata.namespace}/${s.metadata.labels?.[SERVICE_NAME_LABEL]}`));
  for (const service of index.all('Service')) {
    if (service.spec.type === 'ExternalName' || withSlices.has(`${service.metadata.namespace}/${service.metadata.name}`)) continue;
    const node = builder.node(objectId('Service', service.metadata.name, service.metadata.namespace));
    if (node) node.facts.endpointSlices = 0;
  }
}
