import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { StrataBackend } from './backend/StrataBackend';
import { bindIpc } from './ipc/bindIpc';
import { createSource } from './sources/createSource';

/** `strata` desktop: the same backend as serve mode, with the renderer in a hardened window. */
function sourceFromArgv(argv: readonly string[]) {
  const manifestsAt = argv.indexOf('--manifests');
  return createSource({ demo: argv.includes('--demo'), ...(manifestsAt >= 0 ? { manifests: argv[manifestsAt + 1] } : {}) });
}

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const isAppUrl = (url: string) => (rendererUrl ? url.startsWith(rendererUrl) : url.startsWith('file://') && decodeURIComponent(new URL(url).pathname) === rendererFile);

async function main(): Promise<void> {
  await app.whenReady();
  const backend = new StrataBackend(sourceFromArgv(process.argv));
  const attach = bindIpc(ipcMain, backend, isAppUrl);

  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Strata',
    backgroundColor: '#0f1419',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  attach(window.webContents);

  // The renderer never navigates away or opens windows; links to docs open in the user's browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  if (rendererUrl) await window.loadURL(rendererUrl);
  else await window.loadFile(rendererFile);
  await backend.start().catch((error: Error) => {
    console.error(`strata: ${error.message}`);
  });

  app.on('window-all-closed', () => {
    void backend.stop().finally(() => app.quit());
  });
}

void main();
