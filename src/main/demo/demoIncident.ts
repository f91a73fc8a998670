import { diffStates } from '../../core/history/diffStates';
import type { RecordedChange } from '../../core/history/objectState';
import { deriveEndpointSlices } from '../../core/offline/deriveEndpointSlices';
import { synthesizeOfflineState, type Placement } from '../../core/offline/synthesizeOfflineState';
import { EndpointIndex } from '../../core/flows/EndpointIndex';
import { FlowAggregator } from '../../core/flows/FlowAggregator';
import type { FlowRecord } from '../../shared/flows';
import type { KubeObject, Pod, Service } from '../../shared/kube';
import { idOf, SERVICE_NAME_LABEL } from '../../shared/kube';
import { Recorder } from '../store/Recorder';
import { RecordingStore } from '../store/RecordingStore';

const MINUTE = 60_000;
const DEMO_SOURCE = { context: 'demo', cluster: 'demo-shop', server: 'https://demo.invalid:6443', namespaces: [] };

/** Known times of the demo incident, in minutes before the demo opens. */
export const DEMO_INCIDENT = {
  recordingStarts: -30,
  rolloutStarts: -20,
  policyApplied: -13,
  cartNotReady: -12,
  apiServerLostFrom: -8,
  apiServerLostTo: -6,
} as const;

/** The demo's manifests as they were before the incident: checkout one release behind, no default-deny in payments. */
function beforeIncident(manifests: readonly KubeObject[]): KubeObject[] {
  return manifests
    .filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.namespace === 'payments' && o.metadata.name === 'default-deny'))
    .map((o) => {
      if (o.kind !== 'Deployment' || o.metadata.namespace !== 'shop' || o.metadata.name !== 'checkout') return o;
      const containers = o.spec.template.containers.map((c) => ({ ...c, image: 'shop/checkout:5.0.1' }));
      return { ...o, spec: { ...o.spec, template: { ...o.spec.template, containers } } };
    });
}

const byId = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [idOf(o), o]));

/** A state with the checkout EndpointSlices derived again from the pods it now has. */
function withCheckoutSlices(objects: readonly KubeObject[]): KubeObject[] {
  const isCheckoutSlice = (o: KubeObject) => o.kind === 'EndpointSlice' && o.metadata.namespace === 'shop' && o.metadata.labels?.[SERVICE_NAME_LABEL] === 'checkout';
  const service = objects.find((o): o is Service => o.kind === 'Service' && o.metadata.namespace === 'shop' && o.metadata.name === 'checkout')!;
  const pods = objects.filter((o): o is Pod => o.kind === 'Pod');
  return [...objects.filter((o) => !isCheckoutSlice(o)), ...deriveEndpointSlices(service, pods)];
}

const podsOf = (state: ReadonlyMap<string, KubeObject>, namespace: string, prefix: string) =>
  [...state.values()].filter((o): o is Pod => o.kind === 'Pod' && o.metadata.namespace === namespace && o.metadata.name.startsWith(prefix) && !o.metadata.deletionTimestamp);

/**
 * The demo's observed traffic, as Hubble would report it: shoppers reach the frontend, the frontend
 * calls catalog and cart, and checkout calls payments, until the default-deny lands in payments
 * and every checkout → payments connection is dropped by it.
 */
function recordDemoTraffic(store: RecordingStore, from: number, to: number, denyFrom: number): void {
  const aggregator = new FlowAggregator();
  for (let t = from; t < to; t += 2_000) {
    const state = store.stateAt(t);
    const index = new EndpointIndex(state.values());
    const flow = (source: Pod | 'world', target: Pod, port: number, extra: Partial<FlowRecord> = {}): FlowRecord => ({
      time: t,
      verdict: 'FORWARDED',
      protocol: 'TCP',
      destinationPort: port,
      source: source === 'world' ? { reserved: 'world', ip: '198.51.100.23', names: ['shoppers (internet)'] } : { namespace: source.metadata.namespace, pod: source.metadata.name },
      destination: { namespace: target.metadata.namespace, pod: target.metadata.name },
      isReply: false,
      policies: [],
      ...extra,
    });
    const pick = <T>(list: T[], i: number) => list[i % list.length];
    const i = Math.floor((t - from) / 2_000);
    const [ingress, frontend, catalog, cart, checkout, payments] = [
      podsOf(state, 'infra', 'ingress-nginx-controller'),
      podsOf(state, 'shop', 'frontend'),
      podsOf(state, 'shop', 'catalog'),
      podsOf(state, 'shop', 'cart'),
      podsOf(state, 'shop', 'checkout-').filter((p) => !p.metadata.name.startsWith('checkout-canary')),
      podsOf(state, 'payments', 'payments-api'),
    ];
    const flows = [
      flow('world', pick(ingress, i), 443),
      flow(pick(ingress, i), pick(frontend, i), 8080),
      flow(pick(frontend, i), pick(catalog, i), 8080, { destinationService: { namespace: 'shop', name: 'catalog' } }),
      flow(pick(frontend, i + 1), pick(cart, i), 8080, { destinationService: { namespace: 'shop', name: 'cart' } }),
      flow(pick(checkout, i), pick(payments, i), 8443, {
        destinationService: { namespace: 'payments', name: 'payments-api' },
        ...(t >= denyFrom ? { verdict: 'DROPPED', dropReason: 'POLICY_DENIED', policies: ['payments/default-deny'] } : {}),
      }),
    ];
    for (const f of flows) aggregator.add(f, index);
  }
  store.appendFlows(aggregator.drain());
}

/**
 * A recorded incident for the demo's timeline, ending at `end`: checkout is rolled out pod by pod
 * (old pods replaced, endpoints moving), a default-deny NetworkPolicy lands in payments and starts
 * dropping checkout → payments traffic, a cart pod turns not ready, and the connection to the API
 * server drops for two minutes.
 */
export function recordDemoIncident(manifests: readonly KubeObject[], placement: Placement, end: number): RecordingStore {
  const at = (minutes: number) => end + minutes * MINUTE;
  const final = synthesizeOfflineState(manifests, placement).objects;
  const initial = synthesizeOfflineState(beforeIncident(manifests), {
    ...placement,
    // Before the incident every cart pod was ready.
    'Deployment/shop/cart': placement['Deployment/shop/cart'].map((p) => ({ ...p, ready: true })),
  }).objects;
  const finalById = byId(final);

  // The path from the initial state to the final one, one recorded state at a time.
  const steps: { t: number; objects: readonly KubeObject[] }[] = [];
  const isCheckoutPod = (o: KubeObject, which: 'old' | 'new') => o.kind === 'Pod' && o.metadata.namespace === 'shop' && o.metadata.ownerReferences?.[0]?.name.startsWith('checkout-') && !o.metadata.name.startsWith('checkout-canary') && (which === 'new') === finalById.has(idOf(o));
  const oldPods = initial.filter((o) => isCheckoutPod(o, 'old'));
  const newPods = final.filter((o) => isCheckoutPod(o, 'new'));
  // The rollout begins with the Deployment's new template.
  let current: readonly KubeObject[] = initial.map((o) => (idOf(o) === 'Deployment/shop/checkout' ? finalById.get(idOf(o))! : o));
  steps.push({ t: at(DEMO_INCIDENT.rolloutStarts) - 5_000, objects: current });
  newPods.forEach((pod, i) => {
    current = withCheckoutSlices([...current, pod, ...final.filter((o) => o.kind === 'ReplicaSet' && !current.some((c) => idOf(c) === idOf(o)))]);
    steps.push({ t: at(DEMO_INCIDENT.rolloutStarts) + i * MINUTE, objects: current });
    const old = oldPods[i];
    if (old) {
      current = withCheckoutSlices(current.filter((o) => idOf(o) !== idOf(old)));
      steps.push({ t: at(DEMO_INCIDENT.rolloutStarts) + i * MINUTE + 30_000, objects: current });
    }
  });
  current = withCheckoutSlices(current.filter((o) => !(o.kind === 'ReplicaSet' && o.metadata.name.startsWith('checkout-') && !finalById.has(idOf(o)))));
  steps.push({ t: at(DEMO_INCIDENT.rolloutStarts) + newPods.length * MINUTE, objects: current });
  current = [...current, finalById.get('NetworkPolicy/payments/default-deny')!];
  steps.push({ t: at(DEMO_INCIDENT.policyApplied), objects: current });
  steps.push({ t: at(DEMO_INCIDENT.cartNotReady), objects: final });

  const store = RecordingStore.open(':memory:');
  let now = at(DEMO_INCIDENT.recordingStarts);
  const recorder = new Recorder(store, DEMO_SOURCE, { now: () => now, flushEveryMs: 3_600_000 });
  recorder.start();
  recorder.record(initial.map((object) => ({ type: 'added' as const, key: '', object })));
  recorder.flush();
  let previous = byId(initial);
  for (const step of steps) {
    now = step.t;
    const next = byId(step.objects);
    const changes: RecordedChange[] = diffStates(previous, next).map((d) => ({ t: now, type: d.change === 'removed' ? 'deleted' : d.change === 'added' ? 'added' : 'modified', object: (d.change === 'removed' ? previous : next).get(d.id)! }));
    recorder.record(changes.map((c) => ({ type: c.type, key: '', object: c.object })));
    recorder.flush();
    previous = next;
  }
  now = at(DEMO_INCIDENT.apiServerLostFrom);
  recorder.sourceStatus('resyncing', 'Connection to the API server lost (demo).');
  now = at(DEMO_INCIDENT.apiServerLostTo);
  recorder.sourceStatus('synced');
  now = end;
  recorder.stop();
  recordDemoTraffic(store, at(DEMO_INCIDENT.recordingStarts), end, at(DEMO_INCIDENT.policyApplied));
  const mark = store.database.prepare('INSERT INTO marks (t, label) VALUES (?, ?)');
  mark.run(at(DEMO_INCIDENT.rolloutStarts), 'checkout 5.0.2 rollout starts');
  mark.run(at(DEMO_INCIDENT.policyApplied), 'default-deny applied in payments');
  return store;
}
