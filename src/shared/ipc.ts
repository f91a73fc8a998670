/** Electron IPC channel names, shared by the main process and the preload. */
export const IPC_REQUEST_CHANNEL = 'strata:request';
export const IPC_EVENT_CHANNEL = 'strata:event';

/** IPC replies are envelopes, because Electron rewrites errors thrown across `invoke` into unreadable text. */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: string };
