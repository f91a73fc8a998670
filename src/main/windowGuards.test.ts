import { describe, expect, it, vi } from 'vitest';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { appUrlMatcher, denyDevicePermission, denyPermissionCheck, denyPermissionRequest, guardWindow, isAllowedNavigation, refuseWebview, windowOpenDecision, type GuardOptions } from './windowGuards';

// The guards run here in plain Node against fakes of the few Electron objects they touch; only
// Electron's types are imported, so the test needs no Electron binary.

const RENDERER_FILE = '/opt/Strata/resources/app/out/renderer/index.html';
const APP_URL = pathToFileURL(RENDERER_FILE).href;

type Listener = (...args: unknown[]) => void;

/** A webContents and its session that record what the guards install. */
function fakeWindow() {
  const listeners = new Map<string, Listener[]>();
  const session = {
    permissionRequest: undefined as undefined | ((...args: unknown[]) => void),
    permissionCheck: undefined as undefined | ((...args: unknown[]) => boolean),
    devicePermission: undefined as undefined | ((...args: unknown[]) => boolean),
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      this.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      this.permissionCheck = handler;
    },
    setDevicePermissionHandler(handler: (...args: unknown[]) => boolean) {
      this.devicePermission = handler;
    },
  };
  let windowOpen: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  const webContents = {
    session,
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return webContents;
    },
    setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse) {
      windowOpen = handler;
    },
  };
  return {
    window: { webContents } as unknown as BrowserWindow,
    session,
    /** Emits `event` as Electron would; true when some listener called preventDefault. */
    emit(event: string, params: Record<string, unknown> = {}, ...rest: unknown[]): boolean {
      const found = listeners.get(event);
      if (!found?.length) throw new Error(`no listener for ${event}`);
      const preventDefault = vi.fn();
      for (const listener of found) listener({ ...params, preventDefault, defaultPrevented: false }, ...rest);
      return preventDefault.mock.calls.length > 0;
    },
    open(url: string): WindowOpenHandlerResponse {
      if (!windowOpen) throw new Error('no window open handler');
      return windowOpen({ url, frameName: '', features: '', disposition: 'foreground-tab', referrer: { url: APP_URL, policy: 'no-referrer' } } as HandlerDetails);
    },
  };
}

function guarded() {
  const openExternal = vi.fn();
  const options: GuardOptions = { isAppUrl: appUrlMatcher(undefined, RENDERER_FILE), openExternal };
  const fake = fakeWindow();
  guardWindow(fake.window, options);
  return { ...fake, openExternal };
}

const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'hid', 'serial', 'usb', 'display-capture', 'idle-detection', 'window-management', 'storage-access', 'unknown'];
const FOREIGN_URLS = [
  'https://example.com/',
  'http://127.0.0.1:8080/',
  'file:///etc/passwd',
  new URL('../../../../../../etc/passwd', APP_URL).href,
  pathToFileURL('/opt/Strata/resources/app/out/renderer/other.html').href,
  'data:text/html,<script>alert(1)</script>',
  'javascript:alert(1)',
  'about:blank',
  'strata://x',
  'not a url',
];

describe('the Electron window guards', () => {
  it('deny every permission request, through the session the window uses', () => {
    const { session } = guarded();
    for (const permission of PERMISSIONS) {
      const callback = vi.fn();
      session.permissionRequest!({}, permission, callback, { requestingUrl: APP_URL, isMainFrame: true });
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
    }
  });

  it('report every permission check as not granted, and every device as not allowed', () => {
    const { session } = guarded();
    for (const permission of PERMISSIONS) expect(session.permissionCheck!({}, permission, 'file://', { requestingUrl: APP_URL }), permission).toBe(false);
    expect(session.devicePermission!({ deviceType: 'usb', origin: 'file://', device: {} })).toBe(false);
    expect(session.devicePermission!({ deviceType: 'hid', origin: 'https://example.com', device: {} })).toBe(false);
  });

  it('deny every new window; only an https link goes to the system browser', () => {
    const { open, openExternal } = guarded();
    for (const url of ['https://kubernetes.io/docs/', 'http://example.com/', APP_URL, 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'about:blank', ''])
      expect(open(url), url).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith('https://kubernetes.io/docs/');
  });

  it('prevent navigation, frame navigation and redirects to anything but the app', () => {
    const { emit } = guarded();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'])
      for (const url of FOREIGN_URLS) expect(emit(event, { url, isMainFrame: true }, url), `${event} ${url}`).toBe(true);
  });

  it('let the app navigate within itself', () => {
    const { emit } = guarded();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'])
      for (const url of [APP_URL, `${APP_URL}?view=cluster`, `${APP_URL}#ns/shop`]) expect(emit(event, { url, isMainFrame: true }, url), `${event} ${url}`).toBe(false);
  });

  it('refuse to attach a webview', () => {
    const { emit } = guarded();
    expect(emit('will-attach-webview', {}, { nodeIntegration: false }, { src: 'https://example.com/' })).toBe(true);
    const event = { preventDefault: vi.fn() };
    refuseWebview(event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('are plain functions with the same answers when called directly', () => {
    const callback = vi.fn();
    denyPermissionRequest(null, 'geolocation', callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(denyPermissionCheck()).toBe(false);
    expect(denyDevicePermission()).toBe(false);
    const openExternal = vi.fn();
    expect(windowOpenDecision('https://example.com/', openExternal)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://example.com/');
    expect(isAllowedNavigation('https://example.com/', () => false)).toBe(false);
    expect(isAllowedNavigation(APP_URL, (url) => url === APP_URL)).toBe(true);
  });
});

describe('the app URL test', () => {
  it('accepts only the built index.html when there is no dev server', () => {
    const isApp = appUrlMatcher(undefined, RENDERER_FILE);
    expect(isApp(APP_URL)).toBe(true);
    expect(isApp(`${APP_URL}#x`)).toBe(true);
    for (const url of FOREIGN_URLS) expect(isApp(url), url).toBe(false);
    expect(isApp(pathToFileURL('/opt/Strata/resources/app/out/renderer/index.html.evil').href)).toBe(false);
  });

  it('accepts the dev server by its whole origin, not a prefix of it', () => {
    const isApp = appUrlMatcher('http://localhost:5173', RENDERER_FILE);
    expect(isApp('http://localhost:5173/')).toBe(true);
    expect(isApp('http://localhost:5173/src/main.tsx?t=1')).toBe(true);
    for (const url of ['http://localhost:51730/', 'http://localhost:5173.evil.example/', 'http://localhost:5173@evil.example/', 'https://localhost:5173/', 'http://127.0.0.1:5173/', APP_URL, 'not a url'])
      expect(isApp(url), url).toBe(false);
  });
});
