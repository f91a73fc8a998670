import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { connectStrataApi } from './api/strataApi';
import { App } from './App';
import './styles.css';

function Root() {
  const [connection, setConnection] = useState<{ connected: boolean; reason?: string }>({ connected: false });
  const api = useMemo(() => connectStrataApi((connected, reason) => setConnection({ connected, ...(reason ? { reason } : {}) })), []);
  return <App api={api} connection={connection} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
