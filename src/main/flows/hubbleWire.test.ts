import { describe, expect, it } from 'vitest';
import { normalizeFlowResponse } from '../../core/flows/normalizeFlow';
import { pod } from '../../core/testing/manifests';
import type { Pod } from '../../shared/kube';
import { loadObserverService } from './hubbleProto';
import { readFlowResponse } from './hubbleWire';

const method = loadObserverService().service.GetFlows;
const timestamp = (t: number) => ({ seconds: String(Math.floor(t / 1000)), nanos: (t % 1000) * 1e6 });

describe('the direct GetFlowsResponse reader', () => {
  const pods = [pod('shop', 'checkout-1', { ip: '10.0.0.1' }), pod('payments', 'api-1', { ip: '10.0.0.2' })] as Pod[];
  const cases: Record<string, unknown>[] = [
    {
      flow: {
        time: timestamp(1795400000123),
        uuid: 'u-1',
        verdict: 'DROPPED',
        IP: { source: '10.0.0.1', destination: '10.0.0.2', ipVersion: 'IPv4' },
        l4: { TCP: { source_port: 51234, destination_port: 8443, flags: { SYN: true } } },
        source: { ID: 1, identity: 40211, namespace: 'shop', labels: ['k8s:app=checkout'], pod_name: pods[0].metadata.name, workloads: [{ name: 'checkout', kind: 'Deployment' }] },
        destination: { identity: 51873, namespace: 'payments', labels: ['k8s:app=payment'], pod_name: pods[1].metadata.name },
        node_name: 'prod/node-a',
        destination_service: { name: 'payments-api', namespace: 'payments' },
        drop_reason_desc: 'POLICY_DENIED',
        is_reply: { value: false },
        ingress_denied_by: [{ name: 'default-deny', namespace: 'payments', revision: '6' }],
        egress_allowed_by: [{ name: 'allow-egress', namespace: 'shop' }],
      },
      node_name: 'prod/node-a',
      time: timestamp(1795400000123),
    },
    {
      flow: {
        time: timestamp(1795400000999),
        verdict: 'FORWARDED',
        IP: { source: '10.0.0.1', destination: '93.184.216.34' },
        l4: { UDP: { source_port: 5353, destination_port: 53 } },
        source: { namespace: 'shop', pod_name: 'checkout-1' },
        destination: { identity: 2, labels: ['reserved:world'] },
        destination_names: ['api.card-processor.example'],
        is_reply: { value: true },
      },
    },
    { flow: { time: timestamp(1), l4: { ICMPv6: { type: 133 } }, source: {}, destination: {} } },
  ];

  it.each(cases.map((c, i) => [i, c]))('reads case %i exactly as the generic decoder and normaliser do', (_i, response) => {
    const bytes = method.responseSerialize(response);
    expect(readFlowResponse(bytes)).toEqual(normalizeFlowResponse(method.responseDeserialize(bytes)));
  });

  it('leaves node_status and lost_events to the generic decoder', () => {
    expect(readFlowResponse(method.responseSerialize({ lost_events: { num_events_lost: '3' } }))).toBeUndefined();
    expect(readFlowResponse(method.responseSerialize({ node_status: { state_change: 'NODE_GONE' } }))).toBeUndefined();
  });
});
