/** Raw EndpointSlices and not-ready pods for the Service and endpoint rules' tests, stripped as a server's objects would be. */
import type { KubeObject } from '../../shared/kube';
import { TEST_NOW } from './diagnostics';
import { kube } from './manifests';

export interface SliceEndpoint {
  /** The pod the endpoint's targetRef names; none when unset. */
  pod?: string;
  /** Defaults to true. */
  ready?: boolean;
  /** Defaults to `ready`, as the controller writes it unless publishNotReadyAddresses forces ready. */
  serving?: boolean;
  terminating?: boolean;
  node?: string;
  address?: string;
}

export interface SliceOptions {
  ports?: { name?: string; port?: number; protocol?: string }[];
  addressType?: string;
  /** The endpointslice.kubernetes.io/managed-by label; unset when not given. */
  managedBy?: string;
}

/** An EndpointSlice of a Service, one endpoint per entry, with the port http 8080/TCP unless told otherwise. */
export function endpointSlice(namespace: string, name: string, serviceName: string, endpoints: SliceEndpoint[], options: SliceOptions = {}): KubeObject {
  const addressType = options.addressType ?? 'IPv4';
  return kube({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': serviceName, ...(options.managedBy ? { 'endpointslice.kubernetes.io/managed-by': options.managedBy } : {}) } },
    addressType,
    ports: options.ports ?? [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: endpoints.map((e, i) => {
      const ready = e.ready ?? true;
      return {
        addresses: [e.address ?? (addressType === 'IPv6' ? `fd00::${i + 1}` : `10.0.0.${i + 1}`)],
        conditions: { ready, serving: e.serving ?? ready, terminating: e.terminating ?? false },
        ...(e.node ? { nodeName: e.node } : {}),
        ...(e.pod ? { targetRef: { kind: 'Pod', namespace, name: e.pod } } : {}),
      };
    }),
  });
}

export interface UnreadyOptions {
  /** The reason container app waits for (CrashLoopBackOff …); it runs unready when unset. */
  waiting?: string;
  /** Its age against the tests' clock; no creationTimestamp when unset. */
  createdSecondsAgo?: number;
}

/** A Running pod whose container app is not ready. */
export function unreadyPod(namespace: string, name: string, labels: Record<string, string>, options: UnreadyOptions = {}): KubeObject {
  const created = options.createdSecondsAgo === undefined ? {} : { creationTimestamp: new Date(TEST_NOW - options.createdSecondsAgo * 1000).toISOString() };
  const state = options.waiting ? { waiting: { reason: options.waiting } } : { running: {} };
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, ...created },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Running', podIP: '10.0.0.9', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', ready: false, state }] },
  });
}
