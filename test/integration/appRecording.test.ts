import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Timeline } from '../../src/shared/contract';
import { echoCluster, pod } from '../support/clusterObjects';
import { eventually, liveBackend, startTestCluster, type TestCluster } from '../support/liveCluster';
import { useScratchRecordingsDir } from '../support/recordingsDir';

// Recording from the app, replay and compare, against the Kubernetes API server DOUBLE (test/doubles).
describe('recording a live context from the app, and replaying it', () => {
  let cluster: TestCluster;
  const recordings = useScratchRecordingsDir();

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('records while the user wants, keeps 410 re-lists as differences, and replays any recorded moment', async () => {
    const live = liveBackend(cluster.kubeconfig, 'alice');
    const { handlers } = live.backend;
    await live.backend.start();
    try {
      await eventually(() => live.status()?.sync === 'synced', 'sync');
      expect(await handlers['timeline.get']({})).toMatchObject({ canRecord: true, density: [] });

      const started = await handlers['recording.start']({});
      expect(started.recording!.path.startsWith(recordings.path())).toBe(true);
      expect(started.recording!.path).toMatch(/alice-\d{4}-\d\d-\d\dT[\d-]+Z\.strata$/);
      await eventually(() => live.status()?.recording !== undefined, 'the recording in the status');
      const beforeScaleUp = Date.now();
      await new Promise((r) => setTimeout(r, 20));

      cluster.api.apply(pod('wire-demo', 'echo-recorded', { ip: '10.244.0.77' }));
      await eventually(() => live.ids().has('Pod/wire-demo/echo-recorded'), 'the new pod');
      // The watch falls behind compaction: the re-list must add only what it reveals.
      cluster.api.dropWatches();
      cluster.api.apply(pod('wire-demo', 'echo-after-410', { ip: '10.244.0.78' }));
      cluster.api.compact();
      await eventually(() => live.ids().has('Pod/wire-demo/echo-after-410'), 'the pod seen by the re-list');
      await eventually(async () => ((await handlers['timeline.get']({})).recording?.events ?? 0) >= 11, 'the changes to be committed');
      const timeline: Timeline = await handlers['timeline.get']({});
      // 9 objects listed at the start, the scale-up, and one difference from the re-list: nothing listed twice.
      expect(timeline.recording!.events).toBe(11);
      expect(timeline.span!.to).toBeGreaterThan(timeline.span!.from);

      const past = await handlers['replay.seek']({ t: beforeScaleUp });
      expect(past.at).toBe(beforeScaleUp);
      expect(live.ids().has('Pod/wire-demo/echo-recorded')).toBe(false);
      expect(live.status()!.replay).toEqual({ at: beforeScaleUp });
      // Live changes keep arriving while the past is shown, and are drawn on return.
      cluster.api.apply(pod('wire-demo', 'echo-while-replaying', { ip: '10.244.0.79' }));
      await eventually(() => live.delivered.some((c) => c.key === 'wire-demo/echo-while-replaying'), 'the live change to reach the backend');
      const drawnNow = async () => new Set((await handlers['topology.get']({})).topology.nodes.map((n) => n.id));
      expect((await drawnNow()).has('Pod/wire-demo/echo-while-replaying')).toBe(false);
      await handlers['replay.live']({});
      expect((await drawnNow()).has('Pod/wire-demo/echo-while-replaying')).toBe(true);
      expect(live.status()!.replay).toBeUndefined();

      const comparison = await handlers['replay.compare']({ a: beforeScaleUp, b: Date.now() });
      expect(comparison.changes.filter((c) => c.change === 'added').map((c) => c.id)).toEqual(expect.arrayContaining(['Pod/wire-demo/echo-recorded', 'Pod/wire-demo/echo-after-410']));

      const stopped = await handlers['recording.stop']({});
      expect(stopped.recording).toBeUndefined();
      expect(live.status()!.recording).toBeUndefined();
    } finally {
      await live.backend.stop();
    }
  });
});
