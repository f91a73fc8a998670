import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Comparison, ObjectDetails, PolicyOptionsParam, SessionStatus, StrataApi, Timeline as TimelineData, TopologySnapshot, WhatIfPreview } from '../shared/contract';
import type { PolicyOverlay } from '../shared/model';
import { CytoscapeView, type Selection } from './graph/CytoscapeView';
import { filterByNamespaces, filterEdges, namespacesOf, searchTopology, type EdgeView } from './graph/filter';
import type { Theme } from './graph/styles';
import { toElements } from './graph/toElements';
import { useLayout } from './graph/useLayout';
import { ContextSwitcher } from './views/ContextSwitcher';
import { DetailsPanel } from './views/DetailsPanel';
import { FlowTable } from './views/FlowTable';
import { Legend } from './views/Legend';
import { ComparePanel } from './views/ComparePanel';
import { PolicyPanel } from './views/PolicyPanel';
import { StatusBar } from './views/StatusBar';
import { Timeline } from './views/Timeline';
import { Toolbar } from './views/Toolbar';

const EMPTY: TopologySnapshot = { revision: 0, topology: { nodes: [], edges: [] } };
/** How long the Policies layer waits for live updates to settle before asking for a new evaluation. */
const OVERLAY_DELAY_MS = 150;

function initialTheme(): Theme {
  const saved = localStorage.getItem('strata.theme');
  if (saved === 'dark' || saved === 'light') return saved;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The transport's state: before the first connection, connected, or lost (with why). */
export interface Connection {
  state: 'connecting' | 'connected' | 'disconnected';
  reason?: string;
}

export function App({ api, connection }: { api: StrataApi; connection: Connection }) {
  const [snapshot, setSnapshot] = useState<TopologySnapshot>(EMPTY);
  const [status, setStatus] = useState<SessionStatus | null>(null);
  const [namespaces, setNamespaces] = useState<Set<string> | null>(null);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Selection | null>(null);
  const [fetched, setFetched] = useState<{ id: string; details: ObjectDetails | null; error: string | null } | null>(null);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [layoutGeneration, setLayoutGeneration] = useState(0);
  const [showLegend, setShowLegend] = useState(true);
  const [timeline, setTimeline] = useState<TimelineData | null>(null);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [edgeView, setEdgeView] = useState<EdgeView>('both');
  const [showFlows, setShowFlows] = useState(false);
  const [showPolicies, setShowPolicies] = useState(false);
  const [policyOptions, setPolicyOptions] = useState<Required<PolicyOptionsParam>>({ ipBlockMatchesPods: true, enforceEndPort: true });
  const [overlay, setOverlay] = useState<{ overlay: PolicyOverlay | null; error: string | null } | null>(null);
  /** The policy text being previewed, and the source it was pasted on: the preview is asked again whenever what is drawn or the options change. */
  const [whatIfDraft, setWhatIfDraft] = useState<{ source: string; yaml: string } | null>(null);
  const [whatIfError, setWhatIfError] = useState<string | null>(null);
  const [focusedPolicy, setFocusedPolicy] = useState<string | null>(null);
  const [whatIf, setWhatIf] = useState<WhatIfPreview | null>(null);
  const [drawPolicies, setDrawPolicies] = useState(false);

  const connected = connection.state === 'connected';
  useEffect(() => {
    // Keep the newest snapshot: an event may overtake the answer to the first request.
    const accept = (next: TopologySnapshot) => setSnapshot((current) => (next.revision >= current.revision ? next : current));
    const offTopology = api.on('topology.changed', accept);
    const offSession = api.on('session.changed', setStatus);
    const offTimeline = api.on('timeline.changed', setTimeline);
    api.request('topology.get', {}).then(accept, () => {});
    api.request('session.get', {}).then(setStatus, () => {});
    api.request('timeline.get', {}).then(setTimeline, () => {});
    return () => {
      offTopology();
      offSession();
      offTimeline();
    };
    // Asked again after every reconnect: events sent while disconnected are lost.
  }, [api, connected]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('strata.theme', theme);
  }, [theme]);

  const sourceKey = status ? `${status.source.kind}:${status.source.label}` : '';
  // A preview belongs to the source it was made on.
  const whatIfYaml = whatIfDraft?.source === sourceKey ? whatIfDraft.yaml : null;
  const layoutKey = `${sourceKey}#${layoutGeneration}`;
  // In compare mode the graph shows moment B plus what A had and B lost, each change marked.
  const shown = comparison?.topology ?? snapshot.topology;
  const marks = useMemo(() => new Map(comparison?.changes.map((c) => [c.id, c.change]) ?? []), [comparison]);
  const { state: layout, pending: layoutPending } = useLayout(shown, layoutKey);
  const visible = useMemo(() => filterEdges(filterByNamespaces(shown, namespaces), edgeView), [shown, namespaces, edgeView]);
  const hasTraffic = shown.edges.some((e) => e.type === 'observed');
  const matches = useMemo(() => searchTopology(visible, search), [visible, search]);
  // The Policies layer follows what is drawn: asked again for each new revision and option change,
  // after a short pause, so that a burst of live updates costs one evaluation.
  useEffect(() => {
    if (!showPolicies) return;
    let current = true;
    const timer = setTimeout(() => {
      api.request('policy.overlay', { options: policyOptions }).then(
        (result) => current && setOverlay({ overlay: result, error: null }),
        (error: Error) => current && setOverlay({ overlay: null, error: error.message }),
      );
      if (whatIfYaml) {
        api.request('policy.whatIf', { yaml: whatIfYaml, options: policyOptions }).then(
          (preview) => {
            if (!current) return;
            setWhatIf(preview);
            setWhatIfError(null);
          },
          (error: Error) => {
            if (!current) return;
            setWhatIf(null);
            setWhatIfError(error.message);
          },
        );
      }
    }, OVERLAY_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, showPolicies, policyOptions, snapshot.revision, whatIfYaml]);
  const drawnOverlay = showPolicies ? ((whatIfYaml ? whatIf?.overlay : undefined) ?? overlay?.overlay ?? null) : null;
  const policyMarks = useMemo(() => {
    if (!drawnOverlay) return undefined;
    const focus = drawnOverlay.policies.find((p) => p.id === focusedPolicy);
    return { overlay: drawnOverlay, drawPolicies, ...(focus ? { focus: { id: focus.id, selects: new Set(focus.selects), allows: new Set(focus.allows) } } : {}) };
  }, [drawnOverlay, focusedPolicy, drawPolicies]);
  const elements = useMemo(() => (layout ? toElements(visible, layout, matches, marks, policyMarks) : []), [visible, layout, matches, marks, policyMarks]);
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
  useEffect(() => {
    if (!selectedNodeId) return;
    let current = true;
    api.request('object.get', { id: selectedNodeId }).then(
      (details) => current && setFetched({ id: selectedNodeId, details, error: details ? null : `${selectedNodeId} is no longer in the cluster.` }),
      (error: Error) => current && setFetched({ id: selectedNodeId, details: null, error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [api, selectedNodeId, snapshot.revision]);
  const fetchedNow = fetched && fetched.id === selectedNodeId ? fetched : null;

  const selectedEdge = selected?.group === 'edges' ? (shown.edges.find((e) => e.id === selected.id) ?? null) : null;
  const selectNode = useCallback((id: string) => setSelected({ group: 'nodes', id }), []);

  return (
    <div className="app">
      <Toolbar
        contextSwitcher={<ContextSwitcher api={api} source={status?.source} />}
        namespaces={namespacesOf(snapshot.topology)}
        selectedNamespaces={namespaces}
        onNamespacesChange={setNamespaces}
        search={search}
        onSearchChange={setSearch}
        onSearchSubmit={() => {
          const first = [...matches].sort()[0];
          if (first) selectNode(first);
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
      />
      <main className="workspace">
        <CytoscapeView elements={elements} theme={theme} selected={selected} onSelect={onSelect} ready={!layoutPending} fitKey={`${layoutKey}|${namespaces ? [...namespaces].sort().join(',') : '*'}`} />
        {showLegend && <Legend policies={showPolicies} />}
        {comparison ? (
          <ComparePanel comparison={comparison} onSelect={selectNode} />
        ) : showPolicies && !selected ? (
          <PolicyPanel
            api={api}
            overlay={drawnOverlay}
            error={overlay?.error ?? null}
            options={policyOptions}
            onOptionsChange={setPolicyOptions}
            focused={focusedPolicy}
            onFocus={setFocusedPolicy}
            whatIf={whatIfYaml ? whatIf : null}
            whatIfYaml={whatIfYaml}
            whatIfError={whatIfError}
            onWhatIfYaml={(yaml) => {
              setWhatIfDraft(yaml ? { source: sourceKey, yaml } : null);
              setWhatIfError(null);
              if (!yaml) setWhatIf(null);
            }}
            revision={snapshot.revision}
            drawPolicies={drawPolicies}
            onDrawPoliciesChange={setDrawPolicies}
            onClose={() => setShowPolicies(false)}
          />
        ) : (
          <DetailsPanel node={fetchedNow?.details ?? null} edge={selectedEdge} error={fetchedNow?.error ?? null} policies={drawnOverlay} onSelectNode={selectNode} onClose={() => setSelected(null)} />
        )}
        {snapshot.revision > 0 && elements.length === 0 && <p className="empty">Nothing to draw{namespaces ? ' in the chosen namespaces' : ''}.</p>}
      </main>
      <p className="summary" role="status" aria-live="polite" data-testid="graph-summary">
        {layoutPending ? 'Laying out… ' : ''}
        {`${drawnNodes} nodes, ${drawnEdges} edges`}
        {matches.size > 0 ? `, ${matches.size} matching “${search.trim()}”` : ''}
        {namespaces ? ` in ${namespaces.size} of ${namespacesOf(snapshot.topology).length} namespaces` : ''}
        {comparison ? `, comparing ${new Date(comparison.a).toLocaleTimeString()} → ${new Date(comparison.b).toLocaleTimeString()}: ${comparison.changes.length} changes` : ''}
        {!comparison && status?.replay ? `, as at ${new Date(status.replay.at).toLocaleString()}` : ''}
        {drawnOverlay ? `; policies layer on (ipBlock ${drawnOverlay.options.ipBlockMatchesPods ? 'matches' : 'does not match'} pod IPs, endPort ${drawnOverlay.options.enforceEndPort ? 'enforced' : 'ignored'})${whatIfYaml ? ', what-if preview' : ''}` : ''}
      </p>
      {showFlows && hasTraffic && <FlowTable topology={visible} selectedId={selected?.id ?? null} onSelectEdge={(id) => setSelected({ group: 'edges', id })} />}
      <Timeline api={api} timeline={timeline} onCompare={setComparison} comparing={comparison !== null} />
      <StatusBar status={status} connection={connection} />
    </div>
  );
}
