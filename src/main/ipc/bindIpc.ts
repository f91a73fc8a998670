import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { ContractError, isRequestName, validateParams } from '../../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type IpcReply } from '../../shared/ipc';
import type { StrataBackend } from '../backend/StrataBackend';

/**
 * Serves the contract over Electron IPC with the same handlers as the WebSocket. Requests from
 * any frame but the app's own page are refused.
 */
export function bindIpc(ipcMain: IpcMain, backend: StrataBackend, isAppUrl: (url: string) => boolean): (contents: WebContents) => () => void {
  ipcMain.handle(IPC_REQUEST_CHANNEL, async (event: IpcMainInvokeEvent, name: unknown, params: unknown): Promise<IpcReply> => {
    if (!event.senderFrame || !isAppUrl(event.senderFrame.url)) return { ok: false, error: 'request from an unknown page refused' };
    try {
      if (!isRequestName(name)) throw new ContractError(`unknown request ${JSON.stringify(name)}`);
      const handler = backend.handlers[name] as (params: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(validateParams(name, params)) };
    } catch (error) {
      if (!(error instanceof ContractError)) console.error(error);
      return { ok: false, error: error instanceof ContractError ? error.message : `${String(name)} failed inside Strata` };
    }
  });
  // Each window subscribes to pushed events for as long as it lives.
  return (contents) => {
    const unsubscribe = backend.subscribe((name, payload) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, name, payload);
    });
    contents.once('destroyed', unsubscribe);
    return unsubscribe;
  };
}
