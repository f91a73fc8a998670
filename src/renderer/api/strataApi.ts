import type { StrataApi } from '../../shared/contract';
import { WebSocketApi } from './WebSocketApi';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in serve mode. */
    strata?: StrataApi;
  }
}

/** The contract as this page reaches it: the preload's IPC bridge in Electron, the WebSocket in a browser. */
export function connectStrataApi(onConnection: (connected: boolean, reason?: string) => void): StrataApi {
  if (window.strata) {
    onConnection(true);
    return window.strata;
  }
  return WebSocketApi.fromLocation(onConnection);
}
