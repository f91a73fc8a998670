/** Raw Gateway API manifests for the Gateway and route rules' tests, stripped as a server's objects would be. */
import type { KubeObject } from '../../shared/kube';
import { TEST_NOW } from './diagnostics';
import { kube } from './manifests';

export const GW_API = 'gateway.networking.k8s.io/v1';

/** A creationTimestamp `minutes` before the tests' clock. */
export function createdAgo(minutes: number): string {
  return new Date(TEST_NOW - minutes * 60_000).toISOString();
}

export function cond(type: string, status: string, reason?: string, message?: string): Record<string, unknown> {
  return { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

export const accepted = [cond('Accepted', 'True', 'Accepted'), cond('Programmed', 'True', 'Programmed')];

export function gatewayClass(name: string, conditions: Record<string, unknown>[] = [cond('Accepted', 'True', 'Accepted')]): KubeObject {
  return kube({ apiVersion: GW_API, kind: 'GatewayClass', metadata: { name, creationTimestamp: createdAgo(60) }, spec: { controllerName: 'example.com/gateway' }, status: { conditions } });
}

interface GatewayOptions {
  className?: string;
  listeners?: Record<string, unknown>[];
  status?: Record<string, unknown>;
  ageMinutes?: number;
}

export const httpListener = { name: 'http', port: 80, protocol: 'HTTP' };

export function gateway(namespace: string, name: string, options: GatewayOptions = {}): KubeObject {
  return kube({
    apiVersion: GW_API,
    kind: 'Gateway',
    metadata: { name, namespace, creationTimestamp: createdAgo(options.ageMinutes ?? 60) },
    spec: { gatewayClassName: options.className ?? 'example', listeners: options.listeners ?? [httpListener] },
    status: options.status ?? { conditions: accepted },
  });
}

interface RouteOptions {
  kind?: 'HTTPRoute' | 'GRPCRoute';
  parentRefs?: Record<string, unknown>[];
  hostnames?: string[];
  rules?: Record<string, unknown>[];
  status?: Record<string, unknown>;
  ageMinutes?: number;
}

export function route(namespace: string, name: string, options: RouteOptions = {}): KubeObject {
  return kube({
    apiVersion: GW_API,
    kind: options.kind ?? 'HTTPRoute',
    metadata: { name, namespace, creationTimestamp: createdAgo(options.ageMinutes ?? 60) },
    spec: {
      parentRefs: options.parentRefs ?? [{ name: 'public' }],
      ...(options.hostnames ? { hostnames: options.hostnames } : {}),
      rules: options.rules ?? [{ backendRefs: [{ name: 'web', port: 80 }] }],
    },
    ...(options.status ? { status: options.status } : {}),
  });
}

/** A route status entry for one parentRef, as a controller writes it. */
export function parentStatus(parentRef: Record<string, unknown>, conditions: Record<string, unknown>[]): Record<string, unknown> {
  return { parentRef, controllerName: 'example.com/gateway', conditions };
}

export function referenceGrant(namespace: string, name: string, from: Record<string, unknown>[], to: Record<string, unknown>[]): KubeObject {
  return kube({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name, namespace }, spec: { from, to } });
}
