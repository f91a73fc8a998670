import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoCluster } from '../support/clusterObjects';
import { eventually, startTestCluster, type TestCluster } from '../support/liveCluster';
import { faultSession, reportFigures } from './faultSession';

// A kind RBAC forbids is asked for again now and then (permissions may be granted while Strata
// runs). Against the Kubernetes API server DOUBLE: those re-checks must not flicker the status.

describe('a forbidden kind re-checked while synced (API server double)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
    cluster.api.forbid('jane', 'networkpolicies', 'networking.k8s.io');
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('stays synced, with the RBAC notice in every status, through repeated re-checks', async () => {
    const live = faultSession(cluster, { context: 'jane' });
    await live.backend.start();
    try {
      await eventually(() => live.status()?.sync === 'synced', 'the first sync');
      const from = live.statuses.length - 1;
      const rechecks = () => cluster.api.requests.filter((r) => r.user === 'jane' && r.resource === 'networkpolicies').length;
      const before = rechecks();
      await eventually(() => rechecks() >= before + 5, 'five re-checks of the forbidden kind');
      const after = live.statuses.slice(from);
      reportFigures('RBAC re-checks', { 're-checks': rechecks() - before, 'statuses pushed meanwhile': after.length, statuses: live.syncSequence(from).join(' → ') });
      expect(live.syncSequence(from)).toEqual(['synced']);
      expect(after.every((s) => s.notices.some((n) => n.message.startsWith('RBAC forbids list and watch on networkpolicies.networking.k8s.io')))).toBe(true);
    } finally {
      await live.backend.stop();
    }
  });
});
