import { useState } from 'react';
import type { SessionStatus } from '../../shared/contract';
import type { Connection } from '../App';
import { formatCount } from '../../shared/view';

interface Props {
  status: SessionStatus | null;
  connection: Connection;
}

const SOURCE_KIND_LABELS: Record<SessionStatus['source']['kind'], string> = { demo: 'Demo', manifests: 'Manifests', context: 'Context', recording: 'Recording' };

const SYNC_LABELS: Record<SessionStatus['sync'], string> = {
  loading: 'Loading',
  loaded: 'Loaded',
  connecting: 'Connecting',
  synced: 'Synced',
  resyncing: 'Resyncing',
  error: 'Error',
};

/** Source, sync state, counts and notices: what the picture is made from and how fresh it is. */
export function StatusBar({ status, connection }: Props) {
  const [open, setOpen] = useState(false);
  const notices = status?.notices ?? [];
  const errors = notices.filter((n) => n.severity === 'error').length;
  const sync = connection.state === 'connected' ? (status?.sync ?? 'loading') : connection.state;
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`sync sync-${sync}`} data-testid="sync-state">
        <span className="dot" aria-hidden="true" />
        {sync === 'disconnected' ? 'Disconnected' : sync === 'connecting' ? 'Connecting' : SYNC_LABELS[sync]}
      </span>
      <span className="source" data-testid="source-label" title={status?.source.label}>
        {status ? `${SOURCE_KIND_LABELS[status.source.kind]}: ${status.source.label}` : '…'}
      </span>
      {status?.replay && (
        <span className="replaying" data-testid="replaying">
          Replaying {new Date(status.replay.at).toLocaleString()}
        </span>
      )}
      {status?.recording && (
        <span className="recording-status" data-testid="recording-status" title={status.recording.path}>
          ● Recording {(status.recording.bytes / 1048576).toFixed(1)} MiB
          {status.recording.span ? `, ${Math.round((status.recording.span.to - status.recording.span.from) / 60_000)} min` : ''}
          {status.recording.error ? ` — ${status.recording.error}` : ''}
        </span>
      )}
      {status && (
        <span className="counts">
          {formatCount(status.counts.objects)} objects · {formatCount(status.counts.nodes)} nodes · {formatCount(status.counts.edges)} edges
        </span>
      )}
      {(status?.message || connection.reason) && <span className="message">{connection.state === 'connected' ? status?.message : connection.reason}</span>}
      {notices.length > 0 && (
        <button type="button" className={`notices-toggle ${errors ? 'has-errors' : ''}`} onClick={() => setOpen(!open)} aria-expanded={open}>
          {errors ? `${errors} error${errors === 1 ? '' : 's'}` : `${notices.length} note${notices.length === 1 ? '' : 's'}`}
        </button>
      )}
      {status && <time dateTime={status.updatedAt}>updated {new Date(status.updatedAt).toLocaleTimeString()}</time>}
      {open && (
        <ul className="notices" data-testid="notices">
          {notices.map((n, i) => (
            <li key={i} className={`notice notice-${n.severity}`}>
              {n.where && <code>{n.where}</code>} {n.message}
            </li>
          ))}
        </ul>
      )}
    </footer>
  );
}
