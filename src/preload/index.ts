import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ContractEvents, EventName, RequestName, StrataApi } from '../shared/contract';
import { EVENT_NAMES, REQUEST_NAMES } from '../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type IpcReply } from '../shared/ipc';

// The renderer gets exactly the contract: named requests and named events. ipcRenderer itself,
// and the IPC event objects that carry it, never cross into the page.
const api: StrataApi = {
  async request(name, params) {
    if (!(REQUEST_NAMES as readonly RequestName[]).includes(name)) throw new Error(`unknown request ${name}`);
    const reply = (await ipcRenderer.invoke(IPC_REQUEST_CHANNEL, name, params)) as IpcReply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as never;
  },
  on(name, listener) {
    if (!(EVENT_NAMES as readonly EventName[]).includes(name)) throw new Error(`unknown event ${name}`);
    const forward = (_event: IpcRendererEvent, eventName: EventName, payload: unknown) => {
      if (eventName === name) listener(payload as ContractEvents[typeof name]);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('strata', api);
