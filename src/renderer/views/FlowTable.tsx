import { useMemo, useState } from 'react';
import type { Topology, TopologyEdge } from '../../shared/model';

interface Props {
  topology: Topology;
  /** The selected node or edge: the table shows the traffic that touches it. */
  selectedId: string | null;
  onSelectEdge: (id: string) => void;
}

const short = (id: string) => id.replace(/^(Pod|Service|External|Node)\//, '');

/** Observed traffic as rows, linked to the graph selection, with filters. */
export function FlowTable({ topology, selectedId, onSelectEdge }: Props) {
  const [pod, setPod] = useState('');
  const [verdict, setVerdict] = useState('');
  const [port, setPort] = useState('');
  const [reason, setReason] = useState('');
  const observed = useMemo(() => topology.edges.filter((e): e is TopologyEdge & { observed: NonNullable<TopologyEdge['observed']> } => e.observed !== undefined), [topology]);
  const reasons = [...new Set(observed.flatMap((e) => e.observed.dropReasons))].sort();
  const rows = observed.filter(
    (e) =>
      (!selectedId || e.id === selectedId || e.source === selectedId || e.target === selectedId) &&
      (!pod || e.source.includes(pod) || e.target.includes(pod)) &&
      (!verdict || e.observed.verdict === verdict) &&
      (!port || e.ports.some((p) => String(p.containerPort) === port)) &&
      (!reason || e.observed.dropReasons.includes(reason)),
  );
  return (
    <section className="flow-table" aria-label="Observed traffic" data-testid="flow-table">
      <div className="flow-filters">
        <input aria-label="Filter flows by pod" placeholder="pod" value={pod} onChange={(e) => setPod(e.target.value)} />
        <select aria-label="Filter flows by verdict" value={verdict} onChange={(e) => setVerdict(e.target.value)}>
          <option value="">any verdict</option>
          <option value="FORWARDED">forwarded</option>
          <option value="DROPPED">dropped</option>
        </select>
        <input aria-label="Filter flows by port" placeholder="port" value={port} onChange={(e) => setPort(e.target.value)} size={6} />
        <select aria-label="Filter flows by drop reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">any drop reason</option>
          {reasons.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <span className="flow-count">
          {rows.length} of {observed.length} flows{selectedId ? ' touching the selection' : ''}
        </span>
      </div>
      <table>
        <thead>
          <tr>
            <th>source</th>
            <th>destination</th>
            <th>port</th>
            <th>verdict</th>
            <th>flows</th>
            <th>rate</th>
            <th>drop reason</th>
            <th>policy</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} className={e.observed.verdict === 'DROPPED' ? 'dropped' : ''} onClick={() => onSelectEdge(e.id)} aria-selected={e.id === selectedId}>
              <td>{short(e.source)}</td>
              <td>
                {short(e.target)}
                {e.observed.services.length ? <span className="via"> via {e.observed.services.map(short).join(', ')}</span> : null}
              </td>
              <td>{e.ports.map((p) => `${p.containerPort}/${p.protocol}`).join(', ')}</td>
              <td>{e.observed.verdict}</td>
              <td>{e.observed.count}</td>
              <td>{e.observed.ratePerSecond.toFixed(2)}/s</td>
              <td>{e.observed.dropReasons.join(', ')}</td>
              <td>{e.observed.policies.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
