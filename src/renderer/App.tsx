import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { projectView, withAggregate } from '../core/view/projectView';
import { searchTopology } from '../core/view/searchObjects';
import type { Comparison, ObjectDetails, PolicyOptionsParam, SessionStatus, StrataApi, Timeline as TimelineData } from '../shared/contract';
import type { SavedView } from '../shared/savedView';
import type { SearchResult, ViewGraph, ViewLevel, ViewSpec } from '../shared/view';
import { describeTotals, formatCount } from '../shared/view';
import { CytoscapeView, type GraphControls, type Selection, type ViewHooks } from './graph/CytoscapeView';
import { runExport, type ExportKind, type GraphExports } from './graph/exportPicture';
import { dropFrameUpdate, inNextFrame } from './frameUpdates';
import { filterEdges, filterProblems, type EdgeView } from './graph/filter';
import type { Theme } from './graph/styles';
import { isTheme } from '../core/view/kindStyles';
import { annotationElements, annotationTarget, openedFromFragment, useSavedViews, viewOf } from './savedViews';
import { toElements } from '../core/view/toElements';
import { useLayout } from './graph/useLayout';
import { useView } from './graph/useView';
import { ContextSwitcher } from './views/ContextSwitcher';
import { DetailsPanel } from './views/DetailsPanel';
import { DrawnTable } from './views/DrawnTable';
import { FlowTable } from './views/FlowTable';
import { Legend } from './views/Legend';
import { ComparePanel } from './views/ComparePanel';
import { PolicyPanel, usePolicyLayer } from './views/PolicyPanel';
import { Presenter, usePresenter } from './views/Presenter';
import { ProblemsPanel, useDiagnostics } from './views/ProblemsPanel';
import { StatusBar } from './views/StatusBar';
import { Timeline } from './views/Timeline';
import { Toolbar } from './views/Toolbar';

const EMPTY: ViewGraph = { level: 'full', nodes: [], edges: [], totals: { pods: 0, workloads: 0, namespaces: 0, services: 0, nodes: 0, objects: 0, edges: 0 }, namespaces: [] };
/** How long typing rests before the search asks the backend. */
const SEARCH_DELAY_MS = 150;


/** The kind of aggregate an id names, for ids taken from a search hit rather than from what is drawn. */
function aggregateKind(id: string): string {
  const kind = id.slice(0, id.indexOf('/'));
  return kind === 'Namespace' || kind === 'Nodes' || kind === 'Zone' || kind === 'Service' || kind === 'Node' ? kind : 'Workload';
}

function initialTheme(): Theme {
  const saved = localStorage.getItem('strata.theme');
  if (isTheme(saved)) return saved;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The transport's state: before the first connection, connected, or lost (with why). */
export interface Connection {
  state: 'connecting' | 'connected' | 'disconnected';
  reason?: string;
}

export function App({ api, connection }: { api: StrataApi; connection: Connection }) {
  /** A view or tour the page was opened with (the URL's fragment: `strata serve --view`, or a link), read once; a tour opens at its first stop. */
  const [opened] = useState(() => openedFromFragment(location.hash));
  const first = opened.view ?? opened.tour?.stops[0].view;
  const [status, setStatus] = useState<SessionStatus | null>(null);
  const [spec, setSpec] = useState<ViewSpec>(first?.spec ?? { level: 'auto' });
  const [search, setSearch] = useState('');
  const [hits, setHits] = useState<(SearchResult & { query: string }) | null>(null);
  const [focus, setFocus] = useState<{ id: string; seq: number } | null>(null);
  const [selected, setSelected] = useState<Selection | null>(first?.selection ?? null);
  const [fetched, setFetched] = useState<{ id: string; details: ObjectDetails | null; error: string | null } | null>(null);
  const [theme, setTheme] = useState<Theme>(() => (isTheme(first?.theme) ? first.theme : initialTheme()));
  const [layoutGeneration, setLayoutGeneration] = useState(0);
  const [showLegend, setShowLegend] = useState(true);
  const [showTable, setShowTable] = useState(false);
  const [timeline, setTimeline] = useState<TimelineData | null>(null);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [edgeView, setEdgeView] = useState<EdgeView>(first?.edgeView ?? 'both');
  const [showFlows, setShowFlows] = useState(first?.layers?.flows ?? false);
  const [showPolicies, setShowPolicies] = useState(first?.layers?.policies ?? false);
  const [policyOptions, setPolicyOptions] = useState<Required<PolicyOptionsParam>>({ ipBlockMatchesPods: true, enforceEndPort: true });
  /** The policy text being previewed, and the source it was pasted on: the preview is asked again whenever what is drawn or the options change. */
  const [whatIfDraft, setWhatIfDraft] = useState<{ source: string; yaml: string } | null>(null);
  const [focusedPolicy, setFocusedPolicy] = useState<string | null>(null);
  const [drawPolicies, setDrawPolicies] = useState(false);
  const [showProblems, setShowProblems] = useState(first?.layers?.problems ?? false);
  const [problemsOnly, setProblemsOnly] = useState(first?.layers?.problemsOnly ?? false);
  const { presenting, present, exitPresenting, fontScale, setFontScale, spotlight, setSpotlight } = usePresenter(opened.tour !== undefined);

  const connected = connection.state === 'connected';
  const { view: drawnView, revision, error: viewError } = useView(api, spec, connected);
  const view = drawnView ?? EMPTY;
  useEffect(() => {
    // A status comes with each revision: drawn at the start of a frame, like the view (see
    // frameUpdates.ts); the newest of an event and an answer wins. The timeline is not: it changes the
    // canvas's height, best known before the first view is fitted (a fit made before it is made again).
    const owner = {};
    const showStatus = (next: SessionStatus) => inNextFrame(owner, () => setStatus(next));
    const offSession = api.on('session.changed', showStatus);
    const offTimeline = api.on('timeline.changed', setTimeline);
    api.request('session.get', {}).then(showStatus, () => {});
    api.request('timeline.get', {}).then(setTimeline, () => {});
    return () => {
      offSession();
      offTimeline();
      dropFrameUpdate(owner);
    };
    // Asked again after every reconnect: events sent while disconnected are lost.
  }, [api, connected]);
  /** A saved view's part that is the page's own state: level and namespaces, layers, selection and theme. */
  const showView = useCallback((saved: SavedView) => {
    setSpec(saved.spec);
    setEdgeView(saved.edgeView ?? 'both');
    setShowFlows(saved.layers?.flows ?? false);
    setShowPolicies(saved.layers?.policies ?? false);
    setShowProblems(saved.layers?.problems ?? false);
    setProblemsOnly(saved.layers?.problemsOnly ?? false);
    setSelected(saved.selection ?? null);
    if (isTheme(saved.theme)) setTheme(saved.theme);
  }, []);
  const { notice, setViewNotice, dismissNotice, annotations, setAnnotations, tour, setTour, camera, playing } = useSavedViews(api, opened, { connected, status, showView });

  // `auto` follows the cluster's size (while a big cluster syncs, the picture folds as it grows) until the
  // user opens, folds or picks a level: from then on the level stays put.
  const level: ViewLevel = spec.level === 'auto' ? view.level : spec.level;
  const namespaces = useMemo(() => (spec.namespaces ? new Set(spec.namespaces) : null), [spec.namespaces]);
  const setNamespaces = useCallback((chosen: Set<string> | null) => setSpec((current) => ({ ...current, ...(chosen ? { namespaces: [...chosen].sort() } : { namespaces: undefined }) })), []);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('strata.theme', theme);
  }, [theme]);


  const sourceKey = status ? `${status.source.kind}:${status.source.label}` : '';
  // A preview belongs to the source it was made on.
  const whatIfYaml = whatIfDraft?.source === sourceKey ? whatIfDraft.yaml : null;
  // Positions are kept per scope: going back to a level or a namespace choice shows the same picture.
  const layoutKey = `${sourceKey}#${layoutGeneration}|${level}|${spec.namespaces?.join(',') ?? '*'}`;
  // In compare mode the graph shows moment B plus what A had and B lost, each change marked, folded like the view.
  const shown: ViewGraph = useMemo(() => (comparison ? projectView(comparison.topology, { ...spec, level }) : view), [comparison, spec, level, view]);
  const marks = useMemo(() => new Map(comparison?.changes.map((c) => [c.id, c.change]) ?? []), [comparison]);
  const { state: layout, pending: layoutPending } = useLayout(shown, level, layoutKey);
  const visible = useMemo(() => {
    const edges = filterEdges(shown, edgeView);
    return problemsOnly ? filterProblems(edges) : edges;
  }, [shown, edgeView, problemsOnly]);
  // The whole report only where it is shown: the Problems panel, and a recording's timeline marks.
  const diagnostics = useDiagnostics(api, revision, connected && (showProblems || timeline?.span !== undefined));
  // Errors and warnings that appeared during the recording, marked on the timeline.
  const findingMarks = useMemo(
    () => (diagnostics.report?.history ?? []).filter((s) => !s.presentAtStart && s.finding.severity !== 'info').map((s) => ({ t: s.firstSeen, severity: s.finding.severity, label: `appeared: ${s.finding.message}` })),
    [diagnostics.report],
  );
  const hasTraffic = shown.edges.some((e) => e.type === 'observed');

  // Search covers every object, folded ones included: the backend answers, and what holds a hit is marked too.
  useEffect(() => {
    const query = search.trim();
    if (!query) return;
    let current = true;
    const timer = setTimeout(() => {
      // Answered after each revision, and marked in the graph: drawn at the start of a frame, like the view.
      api.request('view.search', { query }).then(
        (result) => inNextFrame(setHits, () => current && setHits({ ...result, query })),
        () => inNextFrame(setHits, () => current && setHits(null)),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, search, revision]);
  const currentHits = hits && hits.query === search.trim() ? hits : null;
  const matches = useMemo(() => {
    const found = searchTopology(visible, search);
    const drawn = new Set(visible.nodes.map((n) => n.id));
    for (const hit of currentHits?.hits ?? []) for (const id of hit.within) if (drawn.has(id) && !visible.nodes.find((n) => n.id === id)?.aggregate?.expanded) found.add(id);
    return found;
  }, [visible, search, currentHits]);

  /** Opens or folds one aggregate in place. */
  const toggle = useCallback(
    (id: string, open?: boolean) => {
      const node = view.nodes.find((n) => n.id === id);
      const next = open ?? !node?.aggregate?.expanded;
      setSpec((current) => withAggregate(current, level, id, node?.kind ?? aggregateKind(id), next));
    },
    [view, level],
  );
  /** Draws an object wherever it is folded: opens what holds it, selects it and brings it into view. */
  const reveal = useCallback(
    (hit: { id: string; namespace?: string; within: string[] }) => {
      setSpec((current) => {
        // By Node, the layers' aggregates are not drawn: a hit is shown at the cluster level instead.
        const byNode = level === 'nodes' ? { ...current, level: 'cluster' as const, expanded: [], collapsed: [] } : current;
        // A hit in a namespace outside the chosen ones brings its namespace in.
        const base = hit.namespace && byNode.namespaces && !byNode.namespaces.includes(hit.namespace) ? { ...byNode, namespaces: [...byNode.namespaces, hit.namespace].sort() } : byNode;
        return hit.within.reduce((spec, id) => withAggregate(spec, base.level as ViewLevel, id, aggregateKind(id), true), base);
      });
      setSelected({ group: 'nodes', id: hit.id });
      setFocus((f) => ({ id: hit.id, seq: (f?.seq ?? 0) + 1 }));
    },
    [level],
  );
  const hooks = useMemo<ViewHooks>(() => ({ info: () => ({ revision, level, sync: status?.sync ?? 'loading', statusRevision: status?.revision ?? 0 }), toggle }), [revision, level, status, toggle]);
  const policyLayer = usePolicyLayer(api, { on: showPolicies, options: policyOptions, revision, whatIfYaml, spec });
  const drawnOverlay = policyLayer.drawn;
  const policyMarks = useMemo(() => {
    if (!drawnOverlay) return undefined;
    const focus = drawnOverlay.policies.find((p) => p.id === focusedPolicy);
    return { overlay: drawnOverlay, drawPolicies, ...(focus ? { focus: { id: focus.id, selects: new Set(focus.selects), allows: new Set(focus.allows) } } : {}) };
  }, [drawnOverlay, focusedPolicy, drawPolicies]);
  const elements = useMemo(() => (layout ? toElements(visible, layout, matches, marks, policyMarks) : []), [visible, layout, matches, marks, policyMarks]);
  /** What Cytoscape draws: the elements and the view's notes beside them (notes are not objects, so not counted). */
  const drawnElements = useMemo(() => (annotations.length ? [...elements, ...annotationElements(annotations, elements)] : elements), [elements, annotations]);
  const drawnNodes = elements.filter((e) => e.group === 'nodes').length;
  const drawnEdges = elements.length - drawnNodes;

  // Details follow the selected node through updates, and say so when it disappears.
  // A policy drawn as a node is not an object the backend details: clicking it focuses it in the Policies panel.
  const onSelect = useCallback(
    (selection: Selection | null) => {
      // A drawn policy node, or one of its `selects` edges, stands for the policy.
      const policyId = selection?.group === 'edges' && selection.id.startsWith('policy-selects:') ? selection.id.slice('policy-selects:'.length, selection.id.indexOf('->')) : selection?.id;
      if (selection && policyId && drawnOverlay?.policies.some((p) => p.id === policyId)) {
        setFocusedPolicy(policyId);
        setSelected(null);
      } else setSelected(selection);
    },
    [drawnOverlay],
  );
  const selectedNodeId = selected?.group === 'nodes' ? selected.id : null;
  const selectedViewNode = selectedNodeId ? (shown.nodes.find((n) => n.id === selectedNodeId) ?? null) : null;
  useEffect(() => {
    // Groups (the Nodes, zones) are not objects: the view says all there is to say of them.
    if (!selectedNodeId || selectedNodeId.startsWith('Nodes/') || selectedNodeId.startsWith('Zone/')) return;
    let current = true;
    api.request('object.get', { id: selectedNodeId }).then(
      (details) => current && setFetched({ id: selectedNodeId, details, error: details ? null : `${selectedNodeId} is no longer in the cluster.` }),
      (error: Error) => current && setFetched({ id: selectedNodeId, details: null, error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [api, selectedNodeId, revision]);
  const fetchedNow = fetched && fetched.id === selectedNodeId ? fetched : null;

  const selectedEdge = selected?.group === 'edges' ? (shown.edges.find((e) => e.id === selected.id) ?? null) : null;
  const selectNode = useCallback((id: string) => setSelected({ group: 'nodes', id }), []);
  /** Draws an object by id wherever it is folded (the backend's search says what holds it). */
  const revealId = useCallback(
    (id: string) =>
      api.request('view.search', { query: id }).then(
        (result) => {
          const hit = result.hits.find((h) => h.id === id);
          if (hit) reveal(hit);
        },
        () => {},
      ),
    [api, reveal],
  );

  const graphExports = useRef<GraphExports | null>(null);
  /** What reopens this picture: the source, the view spec, the layers, the selection, the camera, the theme, the notes and the moment. */
  const currentView = useCallback(
    (): SavedView => viewOf({ status, spec: { ...spec, level }, edgeView, layers: { flows: showFlows, policies: showPolicies, problems: showProblems, problemsOnly }, selected, camera: graphExports.current?.camera(), theme, annotations }),
    [status, spec, level, edgeView, showFlows, showPolicies, showProblems, problemsOnly, selected, theme, annotations],
  );
  const graphControls = useRef<GraphControls | null>(null);
  const onExport = useCallback(
    (kind: ExportKind) => {
      const exports = graphExports.current;
      if (!exports) return;
      runExport(kind, {
        exports,
        source: status?.source.label ?? 'graph',
        elements: drawnElements,
        theme,
        level,
        view: currentView,
        tour,
        addStop: (stop) => setTour((current) => ({ strataTour: 1, ...(current?.title ? { title: current.title } : {}), stops: [...(current?.stops ?? []), stop] })),
        notice: setViewNotice,
      });
    },
    [status, drawnElements, theme, level, currentView, tour, setTour, setViewNotice],
  );

  return (
    <div className={presenting ? 'app presenting' : 'app'}>
      <Toolbar
        contextSwitcher={<ContextSwitcher api={api} source={status?.source} />}
        namespaces={view.namespaces}
        selectedNamespaces={namespaces}
        onNamespacesChange={setNamespaces}
        level={level}
        onLevelChange={(next) => setSpec((current) => ({ level: next, ...(current.namespaces ? { namespaces: current.namespaces } : {}) }))}
        search={search}
        onSearchChange={setSearch}
        hits={currentHits}
        onPick={reveal}
        onSearchSubmit={() => {
          const first = currentHits?.hits[0];
          if (first) reveal(first);
        }}
        theme={theme}
        onThemeChange={setTheme}
        onRelayout={() => setLayoutGeneration((g) => g + 1)}
        showLegend={showLegend}
        onToggleLegend={() => setShowLegend(!showLegend)}
        edgeView={edgeView}
        onEdgeViewChange={setEdgeView}
        hasTraffic={hasTraffic}
        showFlows={showFlows}
        onToggleFlows={() => setShowFlows(!showFlows)}
        showPolicies={showPolicies}
        onTogglePolicies={() => setShowPolicies(!showPolicies)}
        problemCount={status?.problems ?? null}
        showProblems={showProblems}
        onToggleProblems={() => {
          setShowProblems(!showProblems);
          setSelected(null);
        }}
        problemsOnly={problemsOnly}
        onToggleProblemsOnly={() => setProblemsOnly(!problemsOnly)}
        onExport={onExport}
        onPresent={() => present(true)}
        showTable={showTable}
        onToggleTable={() => setShowTable(!showTable)}
      />
      <main className="workspace">
        <CytoscapeView
          elements={drawnElements}
          theme={theme}
          selected={selected}
          onSelect={onSelect}
          onToggle={toggle}
          ready={!layoutPending}
          fitKey={layoutKey}
          focus={focus}
          hooks={hooks}
          exportsRef={graphExports}
          controlsRef={graphControls}
          fontScale={presenting ? fontScale : 1}
          spotlight={presenting ? spotlight : null}
          camera={status && drawnView ? camera : null}
          keyboard={!presenting}
        />
        {presenting && (
          <Presenter
            api={api}
            controls={graphControls}
            edges={shown.edges}
            fontScale={fontScale}
            onFontScale={setFontScale}
            onSpotlight={setSpotlight}
            onExit={exitPresenting}
            tour={playing}
          />
        )}
        {notice && (
          <p className="view-notice" role="status" data-testid="view-notice">
            {notice}
            <button type="button" onClick={dismissNotice} aria-label="Dismiss">
              ×
            </button>
          </p>
        )}
        {showLegend && <Legend policies={showPolicies} />}
        {comparison ? (
          <ComparePanel comparison={comparison} onSelect={selectNode} />
        ) : showProblems && !selected ? (
          <ProblemsPanel
            report={diagnostics.report}
            error={diagnostics.error}
            {...(status?.replay ? { at: status.replay.at } : {})}
            onFocus={(finding) => {
              // The subject first; a finding on an object that is not drawn (a policy, a class) shows the next one that is.
              const drawable = finding.objects.find((id) => !/^(NetworkPolicy|IngressClass|GatewayClass|ReferenceGrant|UnmodelledPolicy|AdminNetworkPolicy|BaselineAdminNetworkPolicy)\//.test(id));
              if (drawable) void revealId(drawable);
            }}
            onClose={() => setShowProblems(false)}
          />
        ) : showPolicies && !selected ? (
          <PolicyPanel
            api={api}
            overlay={drawnOverlay}
            error={policyLayer.error}
            options={policyOptions}
            onOptionsChange={setPolicyOptions}
            focused={focusedPolicy}
            onFocus={setFocusedPolicy}
            whatIf={policyLayer.whatIf}
            whatIfYaml={whatIfYaml}
            whatIfError={policyLayer.whatIfError}
            onWhatIfYaml={(yaml) => {
              setWhatIfDraft(yaml ? { source: sourceKey, yaml } : null);
              policyLayer.clearWhatIf(!yaml);
            }}
            revision={revision}
            drawPolicies={drawPolicies}
            onDrawPoliciesChange={setDrawPolicies}
            onClose={() => setShowPolicies(false)}
          />
        ) : (
          <DetailsPanel
            node={fetchedNow?.details ?? null}
            viewNode={selectedViewNode}
            edge={selectedEdge}
            error={fetchedNow?.error ?? null}
            policies={drawnOverlay}
            onSelectNode={selectNode}
            onToggle={toggle}
            onReveal={revealId}
            onAnnotate={() => {
              const target = annotationTarget(selectedViewNode ?? { id: selectedNodeId ?? '', kind: '' });
              const text = window.prompt(`A note on ${target}, shown beside it when presenting and in exports`);
              if (text?.trim()) setAnnotations((current) => [...current, { target, text: text.trim() }]);
            }}
            onClose={() => setSelected(null)}
          />
        )}
        {viewError && (
          <p className="error view-error" role="alert">
            The picture could not be updated: {viewError}
          </p>
        )}
        {revision > 0 && elements.length === 0 && <p className="empty">Nothing to draw{namespaces ? ' in the chosen namespaces' : ''}.</p>}
      </main>
      <p className="summary" role="status" aria-live="polite" data-testid="graph-summary">
        {layoutPending ? 'Laying out… ' : ''}
        {`${describeTotals(view.totals)} · drawn: ${formatCount(drawnNodes)} nodes, ${formatCount(drawnEdges)} edges`}
        {currentHits ? `, ${formatCount(currentHits.total)} matching “${currentHits.query}”` : ''}
        {namespaces ? ` in ${namespaces.size} of ${view.namespaces.length} namespaces` : ''}
        {comparison ? `, comparing ${new Date(comparison.a).toLocaleTimeString()} → ${new Date(comparison.b).toLocaleTimeString()}: ${comparison.changes.length} changes` : ''}
        {!comparison && status?.replay ? `, as at ${new Date(status.replay.at).toLocaleString()}` : ''}
        {drawnOverlay ? `; policies layer on (ipBlock ${drawnOverlay.options.ipBlockMatchesPods ? 'matches' : 'does not match'} pod IPs, endPort ${drawnOverlay.options.enforceEndPort ? 'enforced' : 'ignored'})${whatIfYaml ? ', what-if preview' : ''}` : ''}
      </p>
      {showTable && (
        <DrawnTable
          nodes={visible.nodes}
          edges={visible.edges}
          positions={layout?.positions ?? {}}
          selectedId={selectedNodeId}
          onSelect={(id) => {
            setSelected({ group: 'nodes', id });
            setFocus((f) => ({ id, seq: (f?.seq ?? 0) + 1 }));
          }}
        />
      )}
      {showFlows && hasTraffic && <FlowTable topology={visible} selectedId={selected?.id ?? null} onSelectEdge={(id) => setSelected({ group: 'edges', id })} />}
      <Timeline api={api} timeline={timeline} findingMarks={findingMarks} onCompare={setComparison} comparing={comparison !== null} />
      <StatusBar status={status} connection={connection} />
    </div>
  );
}
