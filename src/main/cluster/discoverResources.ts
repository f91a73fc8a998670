import type { KubeApiClient } from './KubeApiClient';
import { KubeApiError } from './KubeApiError';
import { groupVersion, WATCHED_RESOURCES, type WatchedResource } from './resources';

interface APIResourceList {
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

interface APIGroupList {
  groups: { name: string; versions: { groupVersion: string; version: string }[] }[];
}

/**
 * Which of the resources Strata watches this server serves, with list and watch verbs. A group
 * that is not installed (Gateway API before its CRDs) is simply absent; other failures throw.
 */
export async function discoverResources(client: KubeApiClient, signal?: AbortSignal): Promise<WatchedResource[]> {
  const groups = await client.get<APIGroupList>('/apis', {}, signal);
  const served = new Set(['v1', ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))]);
  const wanted = [...new Set(WATCHED_RESOURCES.map(groupVersion))].filter((gv) => served.has(gv));
  const found: WatchedResource[] = [];
  await Promise.all(
    wanted.map(async (gv) => {
      let list: APIResourceList;
      try {
        list = await client.get<APIResourceList>(gv === 'v1' ? '/api/v1' : `/apis/${gv}`, {}, signal);
      } catch (error) {
        // A group removed between the two requests (CRDs being deleted) is as good as absent.
        if (error instanceof KubeApiError && error.kind === 'not-found') return;
        throw error;
      }
      for (const resource of WATCHED_RESOURCES.filter((r) => groupVersion(r) === gv)) {
        const entry = list.resources.find((r) => r.name === resource.plural);
        if (entry && entry.verbs.includes('list') && entry.verbs.includes('watch')) found.push({ ...resource, namespaced: entry.namespaced });
      }
    }),
  );
  return WATCHED_RESOURCES.filter((r) => found.some((f) => f.plural === r.plural && f.group === r.group));
}
