import { useEffect, useState } from 'react';
import type { ContextList, SourceInfo, StrataApi } from '../../shared/contract';

interface Props {
  api: StrataApi;
  source: SourceInfo | undefined;
}

const DEMO = '\u0000demo';

/** Picks the kubeconfig context to show (or the demo). The list is read again each time it opens. */
export function ContextSwitcher({ api, source }: Props) {
  const [list, setList] = useState<ContextList | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = () => {
    api.request('contexts.list', {}).then(setList, (e: Error) => setError(e.message));
  };
  useEffect(refresh, [api]);

  const value = source?.kind === 'context' ? (source.context ?? '') : source?.kind === 'demo' ? DEMO : '';
  const choose = (name: string) => {
    setError(null);
    const choice = name === DEMO ? { kind: 'demo' as const } : { kind: 'context' as const, name };
    api.request('source.select', choice).catch((e: Error) => setError(e.message));
  };

  return (
    <label className="context-switcher" title={list?.error ?? list?.files.join('\n')}>
      <span className="visually-hidden">Context</span>
      <select aria-label="Context" value={value} onFocus={refresh} onChange={(event) => choose(event.target.value)} data-testid="context-switcher">
        {source?.kind === 'manifests' && <option value="">Manifests</option>}
        {source?.kind === 'recording' && <option value="">Recording: {source.label}</option>}
        <option value={DEMO}>Demo cluster</option>
        {list?.contexts.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name}
            {c.current ? ' (current)' : ''}
          </option>
        ))}
      </select>
      {error && <span className="error">{error}</span>}
    </label>
  );
}
