import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

/**
 * The Electron binary, when this machine has one (CI sets ELECTRON_SKIP_BINARY_DOWNLOAD=1 and has
 * none). Read from electron's path.txt: requiring 'electron' itself would try to download it.
 */
function electronBinary(): string | undefined {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
if (!binary) console.log('Electron desktop tests SKIPPED: no Electron binary on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD=1). The same UI and contract are tested in Chromium against strata serve.');

test.describe('desktop app (Electron)', () => {
  test.skip(!binary, 'SKIPPED: the Electron binary is not installed on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD=1); the same UI is tested in Chromium against strata serve.');

  test('opens the demo in a hardened window', async () => {
    const app = await electron.launch({ executablePath: binary, args: ['out/main/index.js', '--demo'] });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('sync-state')).toHaveText('Loaded');
      await expect(window.getByTestId('graph-summary')).toContainText('nodes');
      // Isolated and sandboxed: the page sees the contract, never Node, require or ipcRenderer.
      const globals = await window.evaluate(() => {
        const page = globalThis as unknown as Record<string, unknown>;
        return [typeof page.process, typeof page.require, Object.keys((page.strata as object | undefined) ?? {}).sort()];
      });
      expect(globals).toEqual(['undefined', 'undefined', ['on', 'request']]);
      // Navigation away from the app is blocked.
      await window.evaluate(() => location.assign('https://example.com/'));
      await expect(window.getByTestId('sync-state')).toHaveText('Loaded');
    } finally {
      await app.close();
    }
  });
});
