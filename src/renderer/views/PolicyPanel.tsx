import { useCallback, useEffect, useRef, useState } from 'react';
import type { PolicyOptionsParam, StrataApi, WhatIfPreview } from '../../shared/contract';
import { REACH_OUTCOMES, type PolicyOverlay, type ReachResult } from '../../shared/model';
import type { ViewSpec } from '../../shared/view';
import { inNextFrame } from '../frameUpdates';

/** How long the Policies layer waits for live updates to settle before asking for a new evaluation. */
const OVERLAY_DELAY_MS = 150;

/**
 * The Policies layer for what is drawn: asked again for each new revision, view and option change,
 * after a short pause, so that a burst of live updates costs one evaluation; with a what-if
 * preview when policy text is pasted. `drawn` is what the graph shows (the preview's when there is one).
 */
export function usePolicyLayer(api: StrataApi, asked: { on: boolean; options: Required<PolicyOptionsParam>; revision: number; whatIfYaml: string | null; spec: ViewSpec }) {
  const { on, options, revision, whatIfYaml, spec } = asked;
  const [overlay, setOverlay] = useState<{ overlay: PolicyOverlay | null; error: string | null } | null>(null);
  const [whatIf, setWhatIf] = useState<WhatIfPreview | null>(null);
  const [whatIfError, setWhatIfError] = useState<string | null>(null);
  useEffect(() => {
    if (!on) return;
    let current = true;
    const timer = setTimeout(() => {
      // Asked after each revision, and drawn in the graph: at the start of a frame, like the view (see frameUpdates.ts).
      api.request('policy.overlay', { options, view: spec }).then(
        (result) => inNextFrame(setOverlay, () => current && setOverlay({ overlay: result, error: null })),
        (error: Error) => inNextFrame(setOverlay, () => current && setOverlay({ overlay: null, error: error.message })),
      );
      if (whatIfYaml) {
        api.request('policy.whatIf', { yaml: whatIfYaml, options }).then(
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
  }, [api, on, options, revision, whatIfYaml, spec]);
  /** New policy text: its old error goes; the old preview stays drawn until the new one comes, unless the text was cleared. */
  const clearWhatIf = useCallback((dropPreview: boolean) => {
    if (dropPreview) setWhatIf(null);
    setWhatIfError(null);
  }, []);
  return {
    drawn: on ? ((whatIfYaml ? whatIf?.overlay : undefined) ?? overlay?.overlay ?? null) : null,
    error: overlay?.error ?? null,
    whatIf: whatIfYaml ? whatIf : null,
    whatIfError,
    clearWhatIf,
  };
}

interface Props {
  api: StrataApi;
  overlay: PolicyOverlay | null;
  error: string | null;
  options: Required<PolicyOptionsParam>;
  onOptionsChange: (options: Required<PolicyOptionsParam>) => void;
  focused: string | null;
  onFocus: (policyId: string | null) => void;
  whatIf: WhatIfPreview | null;
  /** The policy text being previewed, and why the last preview failed. */
  whatIfYaml: string | null;
  whatIfError: string | null;
  onWhatIfYaml: (yaml: string | null) => void;
  /** The drawn revision: an answer about an older one is cleared. */
  revision: number;
  drawPolicies: boolean;
  onDrawPoliciesChange: (draw: boolean) => void;
  onClose: () => void;
}


/** "Can A reach B?": the path hop by hop and the verdict of each policy check, in the what-if state when one is previewed. */
function ReachForm({ api, options, whatIfYaml, revision }: Pick<Props, 'api' | 'options' | 'whatIfYaml' | 'revision'>) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState('TCP');
  // An answer is about one state: after a new revision, other options or another preview it is not shown.
  const state = JSON.stringify([revision, options, whatIfYaml]);
  const [answer, setAnswer] = useState<{ id: number; state: string; result: ReachResult | null; error: string | null } | null>(null);
  const asked = useRef(0);
  const submit = () => {
    const number = port.trim() ? Number(port) : undefined;
    const id = ++asked.current;
    const keep = (result: ReachResult | null, error: string | null) => setAnswer((last) => (last && last.id > id ? last : { id, state, result, error }));
    api.request('policy.reach', { query: { from, to, ...(number !== undefined ? { port: number } : {}), protocol }, options, ...(whatIfYaml ? { whatIf: whatIfYaml } : {}) }).then(
      (result) => keep(result, null),
      (e: Error) => keep(null, e.message),
    );
  };
  const shown = answer?.state === state ? answer : null;
  const result = shown?.result;
  return (
    <section aria-label="Can A reach B?">
      <h3>Can A reach B?{whatIfYaml ? ' (with the what-if policies)' : ''}</h3>
      <form
        className="reach-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label>
          From <input value={from} onChange={(e) => setFrom(e.target.value)} placeholder="shop/checkout or 203.0.113.9" aria-label="From" />
        </label>
        <label>
          To <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="payments/payments-api or https://host/path" aria-label="To" />
        </label>
        <label>
          Port <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" placeholder="443" aria-label="Port" size={6} />
        </label>
        <select value={protocol} onChange={(e) => setProtocol(e.target.value)} aria-label="Protocol">
          {['TCP', 'UDP', 'SCTP'].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <button type="submit">Check</button>
      </form>
      {shown?.error && (
        <p className="error" role="alert">
          {shown.error}
        </p>
      )}
      {result && (
        <div className="reach-result" data-testid="reach-result">
          <p className={`outcome outcome-${result.outcome}`}>{REACH_OUTCOMES[result.outcome]}</p>
          <ol className="hops">
            {result.hops.map((hop, i) => (
              <li key={i}>{hop.trim()}</li>
            ))}
          </ol>
          <ul className="checks">
            {result.checks.map((check, i) => (
              <li key={i} className={check.verdict.allowed ? 'allowed' : 'denied'}>
                <strong>{check.verdict.allowed ? 'Allowed' : 'Denied'}</strong> {check.source} → {check.destination} {check.protocol} {check.port} <em>({check.leg})</em>
                <div>egress: {check.verdict.egress.explanation}</div>
                <div>ingress: {check.verdict.ingress.explanation}</div>
              </li>
            ))}
          </ul>
          {result.notes.map((note, i) => (
            <p key={i} className="note">
              {note}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What-if: a pasted policy judged against what is drawn; never applied to the cluster. */
function WhatIf({ whatIf, whatIfYaml, whatIfError, onWhatIfYaml }: Pick<Props, 'whatIf' | 'whatIfYaml' | 'whatIfError' | 'onWhatIfYaml'>) {
  const [yaml, setYaml] = useState(whatIfYaml ?? '');
  return (
    <section aria-label="What-if">
      <h3>What-if (never applied)</h3>
      <textarea value={yaml} onChange={(e) => setYaml(e.target.value)} rows={8} spellCheck={false} aria-label="Policy YAML" placeholder="Paste or write a NetworkPolicy here (no namespace means default, as kubectl would)" />
      <div className="row">
        <button type="button" onClick={() => onWhatIfYaml(yaml)} disabled={!yaml.trim()}>
          Preview
        </button>
        {whatIfYaml && (
          <button type="button" onClick={() => onWhatIfYaml(null)}>
            Clear preview
          </button>
        )}
      </div>
      {whatIfError && (
        <p className="error" role="alert">
          {whatIfError}
        </p>
      )}
      {whatIf && whatIfYaml && (
        <div data-testid="what-if-result">
          <p>
            Previewing {whatIf.policies.join(', ')}: {plural(whatIf.changes.length, 'workload pair changes', 'workload pairs change')}. The graph shows the policies as they would be.
          </p>
          {whatIf.problems.map((p) => (
            <p key={p} className="error">
              {p}
            </p>
          ))}
          <ul className="changes">
            {whatIf.changes.map((c) => (
              <li key={`${c.source}>${c.destination}`}>
                {c.gained && <div className="gained">+ {c.source} → {c.destination}: {c.gained}</div>}
                {c.lost && <div className="lost">− {c.source} → {c.destination}: {c.lost}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

export function PolicyPanel(props: Props) {
  const { overlay, options, focused } = props;
  const mismatches = overlay ? Object.values(overlay.edges).filter((e) => e.mismatch) : [];
  return (
    <aside className="details policy-panel" aria-label="Policies" data-testid="policy-panel">
      <button type="button" className="close" onClick={props.onClose} aria-label="Close policies">
        ×
      </button>
      <h2>Policies</h2>
      <fieldset className="policy-options">
        <legend>Cluster behaviour assumed</legend>
        <label>
          <input type="checkbox" checked={options.ipBlockMatchesPods} onChange={(e) => props.onOptionsChange({ ...options, ipBlockMatchesPods: e.target.checked })} /> ipBlock matches pod IPs
        </label>
        <label>
          <input type="checkbox" checked={options.enforceEndPort} onChange={(e) => props.onOptionsChange({ ...options, enforceEndPort: e.target.checked })} /> endPort enforced
        </label>
      </fieldset>
      <label>
        <input type="checkbox" checked={props.drawPolicies} onChange={(e) => props.onDrawPoliciesChange(e.target.checked)} /> Draw policies as nodes
      </label>
      {props.error && <p className="error" role="alert">{props.error}</p>}
      {overlay && (
        <>
          <p data-testid="policy-summary">
            {plural(overlay.policies.length, 'policy', 'policies')}; {plural(Object.values(overlay.pods).filter((p) => p.ingress || p.egress).length, 'pod', 'pods')} isolated
            {mismatches.length ? `; ${plural(mismatches.length, 'flow edge', 'flow edges')} where Hubble disagrees` : ''}.
          </p>
          <ul className="policy-list">
            {overlay.policies.map((p) => (
              <li key={p.id}>
                <button type="button" aria-pressed={focused === p.id} onClick={() => props.onFocus(focused === p.id ? null : p.id)}>
                  {p.id}
                </button>{' '}
                <span className="muted">
                  selects {p.selects.length}, allows {p.allows.length}
                </span>
                {p.problems.map((problem) => (
                  <div key={problem} className="error">
                    Not enforced, the API server would reject it: {problem}
                  </div>
                ))}
              </li>
            ))}
          </ul>
          {mismatches.length > 0 && (
            <ul className="mismatches" aria-label="Expected versus observed">
              {mismatches.map((m, i) => (
                <li key={i}>{m.mismatch}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <ReachForm api={props.api} options={options} whatIfYaml={props.whatIfYaml} revision={props.revision} />
      <WhatIf whatIf={props.whatIf} whatIfYaml={props.whatIfYaml} whatIfError={props.whatIfError} onWhatIfYaml={props.onWhatIfYaml} />
    </aside>
  );
}
