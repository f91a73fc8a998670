import { listContexts, loadKubeconfig, locateKubeconfig } from '../cluster/kubeconfig';

/** `strata contexts`: the kubeconfig's contexts, current one marked, as kubectl config get-contexts prints them. */
export function contextsCommand(options: { kubeconfig?: string }, out: NodeJS.WritableStream): void {
  const contexts = listContexts(loadKubeconfig(locateKubeconfig(options.kubeconfig)));
  const rows = [['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'], ...contexts.map((c) => [c.current ? '*' : '', c.name, c.cluster, c.user, c.namespace ?? ''])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) out.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('   ').trimEnd()}\n`);
}
