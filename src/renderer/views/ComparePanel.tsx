import type { Comparison } from '../../shared/contract';

const clock = (t: number) => new Date(t).toLocaleTimeString();

/** The changes between moments A and B, each linked to the graph. */
export function ComparePanel({ comparison, onSelect }: { comparison: Comparison; onSelect: (id: string) => void }) {
  return (
    <aside className="compare-panel" aria-label="Changes between two moments" data-testid="compare-panel">
      <h2>
        {clock(comparison.a)} → {clock(comparison.b)}
      </h2>
      <p>
        {comparison.changes.length} change{comparison.changes.length === 1 ? '' : 's'}
      </p>
      <ul>
        {comparison.changes.map((c) => (
          <li key={c.id} className={`change change-${c.change}`}>
            <span className="change-kind">{c.change}</span>{' '}
            <button type="button" className="link" onClick={() => onSelect(c.id)}>
              {c.kind} {c.namespace ? `${c.namespace}/` : ''}
              {c.name}
            </button>
            {c.details.length > 0 && <span className="change-details"> — {c.details.join('; ')}</span>}
          </li>
        ))}
      </ul>
    </aside>
  );
}
