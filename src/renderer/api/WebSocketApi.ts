import type { ContractEvents, EventName, RequestName, RequestParams, RequestResult, ServerMessage, StrataApi } from '../../shared/contract';

const WEBSOCKET_PATH = '/api/ws';
const TOKEN_KEY = 'strata.token';

/** What fromLocation reads of the page, typed structurally so that this client also compiles for Node (its fault tests run there). */
interface PageGlobals {
  location: { search: string; pathname: string; hash: string; protocol: string; host: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/**
 * The contract over serve mode's WebSocket. It reconnects with backoff when the server restarts,
 * and tells its owner, so the status bar can say "disconnected" rather than freeze.
 */
export class WebSocketApi implements StrataApi {
  private socket?: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private opened?: Promise<WebSocket>;
  private retryDelay = 500;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onConnection: (connected: boolean, reason?: string) => void = () => {},
  ) {}

  /** The page's own origin, with the token the printed URL carried (kept for reloads of this tab). */
  static fromLocation(onConnection?: (connected: boolean, reason?: string) => void): WebSocketApi {
    const { location, history, sessionStorage } = globalThis as unknown as PageGlobals;
    const params = new URLSearchParams(location.search);
    const token = params.get('token') ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
    if (params.has('token')) {
      sessionStorage.setItem(TOKEN_KEY, token);
      // Keep the token out of the address bar, history and screenshots; other settings (?renderer=) stay.
      params.delete('token');
      const rest = params.toString();
      history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return new WebSocketApi(`${scheme}://${location.host}${WEBSOCKET_PATH}?token=${encodeURIComponent(token)}`, onConnection);
  }

  request<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N>> {
    return this.connect().then(
      (socket) =>
        new Promise<RequestResult<N>>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          socket.send(JSON.stringify({ type: 'request', id, name, params }));
        }),
    );
  }

  on<E extends EventName>(name: E, listener: (payload: ContractEvents[E]) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    this.listeners.set(name, set);
    void this.connect().catch(() => {});
    return () => {
      set.delete(listener as (payload: unknown) => void);
      // With no one listening, a lost connection is not worth coming back for.
      if (set.size === 0 && this.listeners.get(name) === set) this.listeners.delete(name);
    };
  }

  /** Closes the connection for good: no reconnects; requests after this fail. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close();
  }

  private connect(): Promise<WebSocket> {
    if (this.closed) return Promise.reject(new Error('Connection to Strata closed'));
    this.opened ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.url);
      socket.onopen = () => {
        this.socket = socket;
        this.retryDelay = 500;
        this.onConnection(true);
        resolve(socket);
      };
      socket.onmessage = (event) => this.receive(JSON.parse(String(event.data)) as ServerMessage);
      socket.onclose = (event) => {
        const wasOpen = this.socket === socket;
        this.socket = undefined;
        this.opened = undefined;
        for (const { reject: fail } of this.pending.values()) fail(new Error('Connection to Strata closed'));
        this.pending.clear();
        const reason = event.code === 1006 && !wasOpen ? 'Strata is not reachable, or the link has a wrong token; open the URL strata serve printed' : 'Connection to Strata closed';
        this.onConnection(false, reason);
        if (!wasOpen) reject(new Error(reason));
        this.scheduleReconnect();
      };
    });
    return this.opened;
  }

  private scheduleReconnect(): void {
    if (this.listeners.size === 0 || this.closed) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, 10_000);
    this.reconnectTimer = setTimeout(() => void this.connect().catch(() => {}), delay);
  }

  private receive(message: ServerMessage): void {
    if (message.type === 'event') {
      for (const listener of this.listeners.get(message.name) ?? []) listener(message.payload);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if ('error' in message) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  }
}
