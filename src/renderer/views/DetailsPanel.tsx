import type { ObjectDetails } from '../../shared/contract';
import type { PolicyOverlay, PortMapping, TopologyEdge } from '../../shared/model';

interface Props {
  node: ObjectDetails | null;
  edge: TopologyEdge | null;
  error: string | null;
  /** The Policies layer, when it is on: the selected pod's isolation and the selected edge's verdict. */
  policies?: PolicyOverlay | null;
  onSelectNode: (id: string) => void;
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
export function DetailsPanel({ node, edge, error, policies, onSelectNode, onClose }: Props) {
  if (!node && !edge && !error) return null;
  return (
    <aside className="details" aria-label="Details" data-testid="details-panel">
      <button type="button" className="close" onClick={onClose} aria-label="Close details">
        ×
      </button>
      {error && <p className="error">{error}</p>}
      {node && <NodeDetails details={node} onSelectNode={onSelectNode} />}
      {edge && <EdgeDetails edge={edge} />}
      {policies && (node || edge) && <PolicyDetails id={node?.node.id ?? edge!.id} policies={policies} />}
    </aside>
  );
}
