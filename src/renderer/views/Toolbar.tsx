import { memo, type ReactNode } from 'react';
import { formatCount, type SearchHit, type SearchResult, type ViewLevel } from '../../shared/view';
import type { ExportKind } from '../graph/exportPicture';
import type { EdgeView } from '../graph/filter';
import type { Theme } from '../graph/styles';

interface Props {
  /** The context switcher, placed first. */
  contextSwitcher: ReactNode;
  namespaces: readonly string[];
  selectedNamespaces: ReadonlySet<string> | null;
  onNamespacesChange: (namespaces: Set<string> | null) => void;
  level: ViewLevel;
  onLevelChange: (level: ViewLevel) => void;
  search: string;
  onSearchChange: (term: string) => void;
  onSearchSubmit: () => void;
  /** What the backend found for the search, folded objects included. */
  hits: SearchResult | null;
  onPick: (hit: SearchHit) => void;
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
  /** Errors and warnings found in what is drawn; null before the first check. */
  problemCount: number | null;
  showProblems: boolean;
  onToggleProblems: () => void;
  problemsOnly: boolean;
  onToggleProblemsOnly: () => void;
  onExport: (kind: ExportKind) => void;
  /** Enters presenter mode. */
  onPresent: () => void;
  showTable: boolean;
  onToggleTable: () => void;
}

const EXPORTS: { kind: ExportKind; label: string; title: string }[] = [
  { kind: 'png-view', label: 'PNG of the screen', title: 'What the screen shows, at its pixels' },
  { kind: 'png-view-2x', label: 'PNG of the screen, 2×', title: 'What the screen shows, at twice its pixels: for slides' },
  { kind: 'png-graph', label: 'PNG of the whole graph', title: 'Everything drawn, at the current zoom' },
  { kind: 'png-graph-2x', label: 'PNG of the whole graph, 2×', title: 'Everything drawn, at twice the current zoom' },
  { kind: 'svg', label: 'SVG', title: 'Everything drawn, as vectors with the labels as text: for documents' },
  { kind: 'view-json', label: 'View as JSON', title: 'The source, namespaces, level, layers, selection, camera, theme and notes (.strata-view.json); strata serve --view opens it' },
  { kind: 'view-link', label: 'Link to this view', title: 'The address bar (and the clipboard) get a link that opens this view' },
  { kind: 'tour-add', label: 'Add this view to the tour…', title: 'A stop of a tour, with a title and speaker notes; Present plays the tour' },
  { kind: 'tour-save', label: 'Save the tour', title: 'The tour as .strata-tour.json; strata serve --view opens it' },
];

const LEVELS: { level: ViewLevel; label: string; title: string }[] = [
  { level: 'cluster', label: 'Cluster', title: 'Namespaces as cells, with their counts and problems' },
  { level: 'namespace', label: 'Namespaces', title: 'Entry points, Services and workloads; pods folded into their workload' },
  { level: 'full', label: 'Everything', title: 'Every object, pods and EndpointSlices included' },
  { level: 'nodes', label: 'By Node', title: 'Nodes as cells holding their pods' },
];

/** How many search hits the list shows; Enter picks the first. */
const HITS_SHOWN = 8;

/**
 * The namespace filter: a checkbox per namespace (500 of them on a big cluster). It is drawn again
 * only when its namespaces or the choice change, not with every revision of the view.
 */
const NamespaceFilter = memo(function NamespaceFilter({ namespaces, selectedNamespaces, onNamespacesChange }: Pick<Props, 'namespaces' | 'selectedNamespaces' | 'onNamespacesChange'>) {
  const toggle = (ns: string) => {
    const next = new Set(selectedNamespaces ?? namespaces);
    if (next.has(ns)) next.delete(ns);
    else next.add(ns);
    onNamespacesChange(next.size === namespaces.length ? null : next);
  };
  return (
    <details className="namespace-filter">
      <summary data-testid="namespace-filter">
        Namespaces: {selectedNamespaces === null ? 'all' : `${selectedNamespaces.size} of ${namespaces.length}`}
      </summary>
      <fieldset>
        <legend className="visually-hidden">Namespaces to show</legend>
        <div className="filter-actions">
          <button type="button" onClick={() => onNamespacesChange(null)}>
            All
          </button>
          <button type="button" onClick={() => onNamespacesChange(new Set())}>
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
  );
});

/** Level, namespace filter, search, re-layout, legend and theme. */
export function Toolbar(props: Props) {
  return (
    <header className="toolbar">
      <h1 className="brand">Strata</h1>
      {props.contextSwitcher}
      <NamespaceFilter namespaces={props.namespaces} selectedNamespaces={props.selectedNamespaces} onNamespacesChange={props.onNamespacesChange} />
      <div className="level" role="group" aria-label="Level">
        {LEVELS.map(({ level, label, title }) => (
          <button key={level} type="button" aria-pressed={props.level === level} title={title} onClick={() => props.onLevelChange(level)}>
            {label}
          </button>
        ))}
      </div>
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
        {props.search.trim() && props.hits && (
          <ul className="search-hits" data-testid="search-hits" aria-label={`${props.hits.total} objects match`}>
            {props.hits.hits.slice(0, HITS_SHOWN).map((hit) => (
              <li key={hit.id}>
                <button type="button" className="link" onClick={() => props.onPick(hit)}>
                  {hit.kind} {hit.namespace ? `${hit.namespace}/` : ''}
                  {hit.name}
                </button>
              </li>
            ))}
            {props.hits.total > HITS_SHOWN && <li className="more">+{formatCount(props.hits.total - HITS_SHOWN)} more</li>}
          </ul>
        )}
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
        <button type="button" aria-pressed={props.showProblems} onClick={props.onToggleProblems} title="Findings: what is wrong between the layers, and the cluster's network profile" data-testid="problems-button">
          Problems{props.problemCount !== null ? ` (${props.problemCount})` : ''}
        </button>
        <button type="button" aria-pressed={props.problemsOnly} onClick={props.onToggleProblemsOnly} title="Draw only what has a problem, with its neighbours">
          Problems only
        </button>
        <button type="button" aria-pressed={props.showPolicies} onClick={props.onTogglePolicies} title="NetworkPolicy isolation, verdicts on edges, Can A reach B?, what-if">
          Policies
        </button>
        <button type="button" onClick={props.onRelayout} title="Lay the graph out afresh, closing gaps left by removed objects">
          Re-layout
        </button>
        <details className="menu export-menu">
          <summary data-testid="export-menu">Export</summary>
          <div className="menu-items" role="menu">
            {EXPORTS.map(({ kind, label, title }) => (
              <button
                key={kind}
                type="button"
                role="menuitem"
                title={title}
                data-testid={`export-${kind}`}
                onClick={(event) => {
                  event.currentTarget.closest('details')?.removeAttribute('open');
                  props.onExport(kind);
                }}
              >
                {label}
              </button>
            ))}
          </div>
        </details>
        <button type="button" aria-pressed={props.showTable} onClick={props.onToggleTable} title="What is drawn, as a table: for screen readers and the keyboard" data-testid="table-button">
          Table
        </button>
        <button type="button" onClick={props.onPresent} title="Full screen, no chrome, keyboard control, larger type, and a walk of a request through the layers" data-testid="present-button">
          Present
        </button>
        <button type="button" onClick={props.onToggleLegend} aria-pressed={props.showLegend}>
          Legend
        </button>
        {/* dark → light → high contrast (for projectors) → dark; the icon is the next theme's. */}
        <button
          type="button"
          onClick={() => props.onThemeChange(({ dark: 'light', light: 'contrast', contrast: 'dark' } as const)[props.theme])}
          aria-label={`Switch to ${({ dark: 'light', light: 'high-contrast', contrast: 'dark' } as const)[props.theme]} theme`}
        >
          {({ dark: '☀', light: '◐', contrast: '☾' } as const)[props.theme]}
        </button>
      </div>
    </header>
  );
}
