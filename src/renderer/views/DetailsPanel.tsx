import type { ObjectDetails } from '../../shared/contract';
import type { PolicyOverlay, PortMapping, TopologyEdge } from '../../shared/model';
import { formatCount, type ViewNode } from '../../shared/view';

interface Props {
  node: ObjectDetails | null;
  /** The selected node as drawn: for an aggregate, what it holds and the problems it lists. */
  viewNode: ViewNode | null;
  edge: TopologyEdge | null;
  error: string | null;
  /** The Policies layer, when it is on: the selected pod's isolation and the selected edge's verdict. */
  policies?: PolicyOverlay | null;
  onSelectNode: (id: string) => void;
  /** Open or fold an aggregate. */
  onToggle: (id: string, open: boolean) => void;
  /** Draw an object that is folded away (a listed problem): open what holds it and select it. */
  onReveal: (id: string) => void;
  /** Pin a note to the selected object (presenter mode and exports show it). */
  onAnnotate?: () => void;
  onClose: () => void;
}

function formatFact(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

export function formatPort(port: PortMapping): string {
  const service = port.port !== undefined ? `${port.name ? `${port.name} ` : ''}${port.port}` : (port.name ?? '');
  const target = port.targetPort !== undefined && port.targetPort !== port.containerPort ? ` → ${port.targetPort}` : '';
  const container = port.containerPort !== undefined ? ` → ${port.containerPort}` : '';
  return `${service}${target}${container}/${port.protocol}${port.nodePort ? ` (nodePort ${port.nodePort})` : ''}`.trim();
}

function Problems({ problems }: { problems: readonly string[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems" aria-label="Problems">
      {problems.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}

function EdgeDetails({ edge }: { edge: TopologyEdge }) {
  return (
    <>
      <h2>{edge.type}</h2>
      <p className="edge-ends">
        <code>{edge.source}</code> → <code>{edge.target}</code>
      </p>
      <Problems problems={edge.problems} />
      <dl>
        {edge.host && (
          <>
            <dt>host</dt>
            <dd>{edge.host}</dd>
          </>
        )}
        {edge.path && (
          <>
            <dt>path</dt>
            <dd>{edge.path}</dd>
          </>
        )}
        {edge.defaultBackend && (
          <>
            <dt>default backend</dt>
            <dd>yes</dd>
          </>
        )}
        {edge.weight !== undefined && (
          <>
            <dt>weight</dt>
            <dd>{edge.weight}</dd>
          </>
        )}
        {edge.ports.length > 0 && (
          <>
            <dt>ports</dt>
            <dd>{edge.ports.map(formatPort).join(', ')}</dd>
          </>
        )}
        {edge.observed && (
          <>
            <dt>observed</dt>
            <dd data-testid="observed-traffic">
              {edge.observed.verdict} · {edge.observed.count} flows ({edge.observed.ratePerSecond.toFixed(2)}/s)
              {edge.observed.dropReasons.length ? ` · ${edge.observed.dropReasons.join(', ')}` : ''}
              {edge.observed.policies.length ? ` · policy ${edge.observed.policies.join(', ')}` : ''}
              {edge.observed.services.length ? ` · via ${edge.observed.services.join(', ')}` : ''}
            </dd>
          </>
        )}
        {edge.conditions && (
          <>
            <dt>conditions</dt>
            <dd>
              ready {String(edge.conditions.ready)}, serving {String(edge.conditions.serving)}, terminating {String(edge.conditions.terminating)}
            </dd>
          </>
        )}
      </dl>
    </>
  );
}

function NodeDetails({ details, onSelectNode }: { details: ObjectDetails; onSelectNode: (id: string) => void }) {
  const { node, object, related } = details;
  const labels = Object.entries(node.labels ?? {});
  return (
    <>
      <p className="kind">{node.workloadKind ?? node.kind}</p>
      <h2 data-testid="details-name">{node.name}</h2>
      {node.namespace && <p className="namespace">namespace {node.namespace}</p>}
      {node.synthesized && <p className="badge">synthesised by Strata, not observed</p>}
      {node.missing && <p className="badge missing">missing: {node.missingReason}</p>}
      <Problems problems={node.missing ? [] : node.problems} />
      {node.findings && node.findings.length > 0 && (
        <ul className="node-findings" aria-label="Findings">
          {node.findings.map((f) => (
            <li key={f.key} className={`finding severity-${f.severity}`}>
              <span className="severity-mark" aria-label={f.severity}>
                {f.severity === 'error' ? '✖' : f.severity === 'warning' ? '▲' : 'ℹ'}
              </span>{' '}
              {f.message} <code>{f.rule}</code>
            </li>
          ))}
        </ul>
      )}
      <dl data-testid="details-facts">
        {Object.entries(node.facts).map(([key, value]) => (
          <div key={key} className="fact">
            <dt>{key}</dt>
            <dd>{formatFact(value)}</dd>
          </div>
        ))}
        {node.workload && (
          <div className="fact">
            <dt>workload</dt>
            <dd>
              <button type="button" className="link" onClick={() => onSelectNode(node.workload!)}>
                {node.workload}
              </button>
            </dd>
          </div>
        )}
      </dl>
      {labels.length > 0 && (
        <>
          <h3>Labels</h3>
          <ul className="labels">
            {labels.map(([k, v]) => (
              <li key={k}>
                <code>
                  {k}={v}
                </code>
              </li>
            ))}
          </ul>
        </>
      )}
      {related.length > 0 && (
        <>
          <h3>Related</h3>
          <ul className="related" data-testid="details-related">
            {related.map((r) => (
              <li key={r.edgeId}>
                <span className="direction">{r.direction === 'out' ? '→' : '←'}</span>{' '}
                <button type="button" className={`link ${r.node.missing ? 'missing' : ''}`} onClick={() => onSelectNode(r.node.id)}>
                  {r.node.kind} {r.node.namespace ? `${r.node.namespace}/` : ''}
                  {r.node.name}
                </button>{' '}
                <span className="edge-type">{r.edgeType}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {object && (
        <details className="object">
          <summary>Stripped object</summary>
          <pre>{JSON.stringify(object, null, 2)}</pre>
        </details>
      )}
    </>
  );
}

/** An aggregate: what it holds by kind and status, the problems it lists, and a button to open or fold it. */
function AggregateDetails({ node, onToggle, onReveal }: { node: ViewNode; onToggle: Props['onToggle']; onReveal: Props['onReveal'] }) {
  const aggregate = node.aggregate!;
  const held = Object.entries(aggregate.holds).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return (
    <section data-testid="details-aggregate">
      <p>
        <button type="button" onClick={() => onToggle(node.id, !aggregate.expanded)} data-testid="aggregate-toggle">
          {aggregate.expanded ? 'Fold' : 'Expand'}
        </button>
      </p>
      <h3>Holds</h3>
      <table className="holds">
        <tbody>
          {held.map(([kind, count]) => (
            <tr key={kind}>
              <th scope="row">{kind}</th>
              <td>{formatCount(count.total)}</td>
              <td>{[count.ready !== undefined ? `${formatCount(count.ready)} ready` : '', count.notReady ? `${formatCount(count.notReady)} not ready` : '', count.terminating ? `${formatCount(count.terminating)} terminating` : ''].filter(Boolean).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {aggregate.workloads && aggregate.workloads.length > 0 && <p>Runs {aggregate.workloads.map((w) => `${w.name} (${w.pods})`).join(', ')}</p>}
      {aggregate.problems > 0 && <p>{formatCount(aggregate.problems)} objects with problems inside{aggregate.expanded ? '' : `; ${formatCount(aggregate.problems - aggregate.moreProblems.length)} drawn on their own`}.</p>}
      {aggregate.moreProblems.length > 0 && (
        <>
          <h3>+{formatCount(aggregate.moreProblems.length)} more problems</h3>
          <ul className="more-problems" data-testid="more-problems">
            {aggregate.moreProblems.map((p) => (
              <li key={p.id}>
                <button type="button" className="link" onClick={() => onReveal(p.id)}>
                  {p.id}
                </button>{' '}
                {p.problem}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** What the Policies layer says of the selected pod or edge. */
function PolicyDetails({ id, policies }: { id: string; policies: PolicyOverlay }) {
  const pod = id.startsWith('Pod/') ? (policies.pods[id] ?? { ingress: false, egress: false, policies: [] }) : undefined;
  const edge = policies.edges[id];
  if (!pod && !edge) return null;
  return (
    <section data-testid="details-policies">
      <h3>Policies</h3>
      {pod && (
        <>
          <p>
            Ingress: {pod.ingress ? 'isolated' : 'not isolated'}; egress: {pod.egress ? 'isolated' : 'not isolated'}
            {pod.hostNetwork ? '; uses the host network, where policy behaviour is undefined' : ''}
          </p>
          {pod.policies.length > 0 && <p>Selected by {pod.policies.join(', ')}</p>}
        </>
      )}
      {edge && (
        <>
          <p>
            {edge.verdict}: {edge.explanation}
          </p>
          {edge.mismatch && <p className="error">{edge.mismatch}</p>}
        </>
      )}
    </section>
  );
}

/** The selected object: its facts, problems, labels, related objects and the stripped object itself. */
export function DetailsPanel({ node, viewNode, edge, error, policies, onSelectNode, onToggle, onReveal, onAnnotate, onClose }: Props) {
  const group = viewNode && !node && viewNode.aggregate && (viewNode.kind === 'Nodes' || viewNode.kind === 'Zone');
  if (!node && !edge && !error && !group) return null;
  return (
    <aside className="details" aria-label="Details" data-testid="details-panel">
      <button type="button" className="close" onClick={onClose} aria-label="Close details">
        ×
      </button>
      {error && !group && <p className="error">{error}</p>}
      {group && (
        <>
          <p className="kind">{viewNode.kind === 'Zone' ? 'Zone' : 'Group'}</p>
          <h2 data-testid="details-name">{viewNode.name}</h2>
        </>
      )}
      {node && <NodeDetails details={node} onSelectNode={onSelectNode} />}
      {node && onAnnotate && (
        <button type="button" onClick={onAnnotate} data-testid="annotate">
          Add a note…
        </button>
      )}
      {viewNode?.aggregate && (node || group) && <AggregateDetails node={viewNode} onToggle={onToggle} onReveal={onReveal} />}
      {edge && <EdgeDetails edge={edge} />}
      {policies && (node || edge) && <PolicyDetails id={node?.node.id ?? edge!.id} policies={policies} />}
    </aside>
  );
}
