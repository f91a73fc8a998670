import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, shell } from 'electron';
import { StrataBackend } from './backend/StrataBackend';
import { bindIpc } from './ipc/bindIpc';
import { SourceCatalog, type SourceOptions } from './sources/SourceCatalog';
import { appUrlMatcher, guardWindow, refuseWebview, type GuardOptions } from './windowGuards';

/** The same source options as `strata serve`: --demo, --manifests DIR, --kubeconfig F, --context C, -n NS. */
function optionsFromArgv(argv: readonly string[]): SourceOptions {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const namespace = argv.flatMap((arg, i) => (arg === '-n' || arg === '--namespace' ? [argv[i + 1]] : []));
  return { demo: argv.includes('--demo'), manifests: value('--manifests'), kubeconfig: value('--kubeconfig'), context: value('--context'), namespace };
}

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const isAppUrl = appUrlMatcher(rendererUrl, rendererFile);
const guards: GuardOptions = { isAppUrl, openExternal: (url) => shell.openExternal(url) };

async function main(): Promise<void> {
  await app.whenReady();
  const options = optionsFromArgv(process.argv);
  const catalog = new SourceCatalog(options.kubeconfig);
  let backend: StrataBackend;
  try {
    backend = new StrataBackend(catalog.fromOptions(options), { catalog, discoverHubble: true });
  } catch (error) {
    // A broken kubeconfig must not keep the app from opening: show the demo and say why.
    console.error(`strata: ${(error as Error).message}`);
    backend = new StrataBackend(catalog.create({ kind: 'demo' }), { catalog });
  }
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
  // The renderer gets no permissions, never navigates away, opens no windows (https links open in
  // the user's browser) and attaches no webviews: src/main/windowGuards.ts, tested there.
  guardWindow(window, guards);
  app.on('web-contents-created', (_event, contents) => contents.on('will-attach-webview', refuseWebview));
  attach(window.webContents);

  // File → Open Recording: a recording or a bundle, replayed through the same backend.
  const openRecording = async () => {
    const { canceled, filePaths } = await dialog.showOpenDialog(window, { title: 'Open a Strata recording or bundle', properties: ['openFile'], filters: [{ name: 'Strata recordings', extensions: ['strata', 'sqlite', 'db'] }] });
    if (!canceled && filePaths[0]) await backend.handlers['source.select']({ kind: 'recording', path: filePaths[0] });
  };
  // File → Import Flows: `hubble observe -o jsonpb` lines into the recording on show.
  const importFlowsFile = async () => {
    const { canceled, filePaths } = await dialog.showOpenDialog(window, { title: 'Import Hubble flows (hubble observe -o jsonpb)', properties: ['openFile'], filters: [{ name: 'JSON lines', extensions: ['jsonl', 'json', 'txt', 'log'] }] });
    if (canceled || !filePaths[0]) return;
    try {
      const summary = await backend.handlers['flows.import']({ path: filePaths[0] });
      const bad = summary.firstBad.map((b) => `line ${b.line}: ${b.reason}`).join('\n');
      await dialog.showMessageBox(window, { type: summary.badLines ? 'warning' : 'info', message: `Imported ${summary.flows} flows into ${summary.buckets} buckets.`, detail: summary.badLines ? `${summary.badLines} of ${summary.lines} lines were skipped:\n${bad}` : '' });
    } catch (error) {
      await dialog.showMessageBox(window, { type: 'error', message: (error as Error).message });
    }
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          { label: 'Open Recording…', accelerator: 'CmdOrCtrl+O', click: () => void openRecording() },
          { label: 'Import Flows…', click: () => void importFlowsFile() },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );

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
