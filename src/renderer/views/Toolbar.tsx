import type { ReactNode } from 'react';
import type { EdgeView } from '../graph/filter';
import type { Theme } from '../graph/styles';

interface Props {
  /** The context switcher, placed first. */
  contextSwitcher: ReactNode;
  namespaces: readonly string[];
  selectedNamespaces: ReadonlySet<string> | null;
  onNamespacesChange: (namespaces: Set<string> | null) => void;
  search: string;
  onSearchChange: (term: string) => void;
  onSearchSubmit: () => void;
  theme: Theme;
  onThemeChange: (theme: Theme) => void;
  onRelayout: () => void;
  showLegend: boolean;
  onToggleLegend: () => void;
  edgeView: EdgeView;
  onEdgeViewChange: (view: EdgeView) => void;
  /** Whether there is observed traffic to show at all. */
  hasTraffic: boolean;
  showFlows: boolean;
  onToggleFlows: () => void;
  showPolicies: boolean;
  onTogglePolicies: () => void;
}

/** Namespace filter, search, re-layout, legend and theme. */
export function Toolbar(props: Props) {
  const { namespaces, selectedNamespaces } = props;
  const toggle = (ns: string) => {
    const next = new Set(selectedNamespaces ?? namespaces);
    if (next.has(ns)) next.delete(ns);
    else next.add(ns);
    props.onNamespacesChange(next.size === namespaces.length ? null : next);
  };
  return (
    <header className="toolbar">
      <h1 className="brand">Strata</h1>
      {props.contextSwitcher}
      <details className="namespace-filter">
        <summary data-testid="namespace-filter">
          Namespaces: {selectedNamespaces === null ? 'all' : `${selectedNamespaces.size} of ${namespaces.length}`}
        </summary>
        <fieldset>
          <legend className="visually-hidden">Namespaces to show</legend>
          <div className="filter-actions">
            <button type="button" onClick={() => props.onNamespacesChange(null)}>
              All
            </button>
            <button type="button" onClick={() => props.onNamespacesChange(new Set())}>
              None
            </button>
          </div>
          {namespaces.map((ns) => (
            <label key={ns}>
              <input type="checkbox" checked={selectedNamespaces === null || selectedNamespaces.has(ns)} onChange={() => toggle(ns)} />
              {ns}
            </label>
          ))}
        </fieldset>
      </details>
      <form
        className="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSearchSubmit();
        }}
      >
        <input
          type="search"
          placeholder="Search name or label (app=cart)"
          aria-label="Search by name or label"
          value={props.search}
          onChange={(event) => props.onSearchChange(event.target.value)}
        />
      </form>
      {props.hasTraffic && (
        <div className="edge-view" role="group" aria-label="Show">
          {(['both', 'objects', 'flows'] as const).map((view) => (
            <button key={view} type="button" aria-pressed={props.edgeView === view} onClick={() => props.onEdgeViewChange(view)}>
              {view === 'both' ? 'Objects + flows' : view === 'objects' ? 'Objects' : 'Flows'}
            </button>
          ))}
          <button type="button" aria-pressed={props.showFlows} onClick={props.onToggleFlows}>
            Flow table
          </button>
        </div>
      )}
      <div className="toolbar-actions">
        <button type="button" aria-pressed={props.showPolicies} onClick={props.onTogglePolicies} title="NetworkPolicy isolation, verdicts on edges, Can A reach B?, what-if">
          Policies
        </button>
        <button type="button" onClick={props.onRelayout} title="Lay the graph out afresh, closing gaps left by removed objects">
          Re-layout
        </button>
        <button type="button" onClick={props.onToggleLegend} aria-pressed={props.showLegend}>
          Legend
        </button>
        <button type="button" onClick={() => props.onThemeChange(props.theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${props.theme === 'dark' ? 'light' : 'dark'} theme`}>
          {props.theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
    </header>
  );
}
