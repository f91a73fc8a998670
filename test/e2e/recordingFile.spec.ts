import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { pod } from '../../src/core/testing/manifests';
import { Recorder } from '../../src/main/store/Recorder';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import { tempDir } from '../support/tempDir';
import { startServe } from './strataServe';

test('serve --db opens a recording, at its end, with its history on the timeline', async ({ page }) => {
  const dir = tempDir();
  const path = join(dir.path, 'night.strata');
  const store = RecordingStore.open(path);
  let now = Date.parse('2026-11-23T02:00:00Z');
  const recorder = new Recorder(store, { context: 'prod', cluster: 'prod-eu', server: 'https://10.0.0.1:6443', namespaces: [] }, { now: () => now });
  recorder.start();
  recorder.record([{ type: 'added', key: 'a', object: pod('shop', 'web-1', { ip: '10.0.0.1' }) }]);
  recorder.flush();
  now = Date.parse('2026-11-23T02:13:00Z');
  recorder.record([{ type: 'added', key: 'b', object: pod('shop', 'web-2', { ip: '10.0.0.2' }) }]);
  recorder.stop();
  store.close();

  const server = await startServe(['--db', path]);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('source-label')).toHaveText('Recording: night.strata');
    await expect.poll(() => page.evaluate(() => window.strataGraph?.ids() ?? [])).toContain('Pod/shop/web-2');
    await expect(page.getByTestId('timeline-strip')).toBeVisible();
    const box = (await page.getByTestId('timeline-strip').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
    await expect.poll(() => page.evaluate(() => window.strataGraph?.ids() ?? [])).not.toContain('Pod/shop/web-2');
    await expect(page.getByTestId('graph-summary')).toContainText('as at');
  } finally {
    await server.stop();
    dir.remove();
  }
});
