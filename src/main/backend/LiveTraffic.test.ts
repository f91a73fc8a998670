import { afterEach, describe, expect, it, vi } from 'vitest';
import { pod } from '../../core/testing/manifests';
import type { FlowBucket, FlowRecord } from '../../shared/flows';
import type { KubeObject } from '../../shared/kube';
import type { FlowSource, FlowSourceListener } from '../flows/FlowSource';
import { LiveTraffic } from './LiveTraffic';

/** A flow source the test feeds by hand. */
class HandFlows implements FlowSource {
  readonly label = 'by hand';
  listener?: FlowSourceListener;
  async start(listener: FlowSourceListener): Promise<void> {
    this.listener = listener;
  }
  async stop(): Promise<void> {}
  send(...flows: FlowRecord[]): void {
    this.listener!.flows(flows);
  }
}

const flowAt = (time: number, ip = '10.0.0.1'): FlowRecord => ({ time, verdict: 'FORWARDED', protocol: 'TCP', destinationPort: 80, source: { ip }, destination: { ip: '10.0.0.2' }, policies: [] });

describe('LiveTraffic attribution', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  async function start(hooks: { objectsAt: (t: number) => KubeObject[]; present?: () => KubeObject[] }, now: () => number) {
    const flows = new HandFlows();
    const drained: FlowBucket[] = [];
    const traffic = new LiveTraffic(flows, { ...hooks, changed: (buckets) => drained.push(...buckets) }, { now, tickMs: 60_000 });
    await traffic.start();
    stops.push(() => traffic.stop());
    return { flows, traffic, drained };
  }

  it('reads the state of a past bucket once, however its flows and the next bucket’s interleave', async () => {
    const objectsAt = vi.fn(() => [pod('shop', 'a', { ip: '10.0.0.1' }), pod('shop', 'b', { ip: '10.0.0.2' })]);
    const { flows, traffic } = await start({ objectsAt, present: () => [] }, () => 1_000_000);
    // Flows from 40 s ago, around a bucket boundary, out of order.
    for (let i = 0; i < 10; i++) flows.send(flowAt(959_990 + (i % 2 ? 20 : -20)));
    expect(objectsAt).toHaveBeenCalledTimes(2);
    traffic.flush();
  });

  it('attributes recent flows with the present, kept current by its changes instead of built again', async () => {
    const a = pod('shop', 'a', { ip: '10.0.0.1' });
    let present: KubeObject[] = [a, pod('shop', 'b', { ip: '10.0.0.2' })];
    const presentCalls = vi.fn(() => present);
    const { flows, traffic, drained } = await start({ objectsAt: () => [], present: presentCalls }, () => 1_000_000);
    flows.send(flowAt(999_000));
    // a is replaced by a pod that took its IP: the watch says so, and the next flow is the new pod's.
    const replacement = pod('shop', 'a-2', { ip: '10.0.0.1' });
    present = [replacement, present[1]];
    traffic.presentChanged([
      { type: 'deleted', key: '', object: a },
      { type: 'added', key: '', object: replacement },
    ]);
    flows.send(flowAt(999_500));
    expect(presentCalls).toHaveBeenCalledTimes(1);
    // A state without its changes (a re-list) is read again.
    traffic.presentChanged(undefined);
    flows.send(flowAt(999_600));
    expect(presentCalls).toHaveBeenCalledTimes(2);
    traffic.flush();
    expect(drained.map((b) => [b.source, b.count])).toEqual([
      ['Pod/shop/a', 1],
      ['Pod/shop/a-2', 2],
    ]);
  });

  it('hands the drawn window its closed buckets in groups that stay the same arrays', async () => {
    let now = 1_000_000;
    const { flows, traffic } = await start({ objectsAt: () => [pod('shop', 'a', { ip: '10.0.0.1' })] }, () => now);
    const tick = () => (traffic as unknown as { tick(): void }).tick();
    flows.send(flowAt(1_000_000), flowAt(1_010_000), flowAt(1_010_001, '10.0.0.7'), flowAt(1_016_000));
    now = 1_030_000;
    // The flows came late: buckets close by their clock, 5 s after the newest flow's (the first only).
    tick();
    expect(traffic.window().closed.map((g) => g.map((b) => b.start))).toEqual([[1_000_000]]);
    // A tick without flows closes by the wall clock: one group per bucket.
    tick();
    const first = traffic.window();
    expect(first.closed.map((g) => g.map((b) => b.start))).toEqual([[1_000_000], [1_010_000, 1_010_000]]);
    flows.send(flowAt(1_029_000));
    const second = traffic.window();
    expect(second.closed[0]).toBe(first.closed[0]);
    expect(second.open.map((b) => b.start)).toEqual([1_020_000]);
    // Five minutes on, the first group has left the window.
    now = 1_000_000 + 5 * 60_000 + 10_000;
    expect(traffic.window().closed.map((g) => g[0].start)).toEqual([1_010_000]);
  });
});
