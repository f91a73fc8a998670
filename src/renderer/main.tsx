import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { connectStrataApi } from './api/strataApi';
import { App, type Connection } from './App';
import './styles.css';

function Root() {
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const api = useMemo(() => connectStrataApi((connected, reason) => setConnection(connected ? { state: 'connected' } : { state: 'disconnected', ...(reason ? { reason } : {}) })), []);
  return <App api={api} connection={connection} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
