import { fileURLToPath } from 'node:url';
import type { BrowserWindow, Event, HandlerDetails, Session, WebContents, WindowOpenHandlerResponse } from 'electron';

/**
 * The Electron window's guards, as plain functions so they are tested without Electron (only
 * Electron's types are imported here). The renderer is the app's own page and nothing else: it
 * gets no permissions, opens no windows, navigates nowhere else and attaches no webviews.
 */

export interface GuardOptions {
  /** True for the app's own page (the built index.html, or the dev server in development). */
  isAppUrl: (url: string) => boolean;
  /** Opens a URL in the user's browser (shell.openExternal). */
  openExternal: (url: string) => unknown;
}

/**
 * The app page's URL test: in development the dev server's origin, otherwise exactly the built
 * index.html (any query or fragment). Origins are compared whole, so `http://localhost:5173.evil`
 * or `http://localhost:51730` are not the dev server at `http://localhost:5173`.
 */
export function appUrlMatcher(rendererUrl: string | undefined, rendererFile: string): (url: string) => boolean {
  if (rendererUrl) {
    const origin = new URL(rendererUrl).origin;
    return (url) => originOf(url) === origin;
  }
  return (url) => {
    try {
      return url.startsWith('file:') && fileURLToPath(url) === rendererFile;
    } catch {
      return false;
    }
  };
}

function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    // Opaque origins (file:, data:, blob:, about:) are the string "null"; none is the dev server.
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** setPermissionRequestHandler: every request (camera, microphone, geolocation, notifications, …) is refused. */
export function denyPermissionRequest(_webContents: WebContents | null, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** setPermissionCheckHandler: no permission is ever reported as granted. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** setDevicePermissionHandler: no HID, serial or USB device. */
export function denyDevicePermission(): boolean {
  return false;
}

/**
 * setWindowOpenHandler: no new window, ever. An https link the page opens goes to the user's
 * browser instead; any other scheme (http:, file:, javascript:, custom protocols) is dropped.
 */
export function windowOpenDecision(url: string, openExternal: GuardOptions['openExternal']): WindowOpenHandlerResponse {
  if (isHttps(url)) void openExternal(url);
  return { action: 'deny' };
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether the page may go to `url`: only to the app itself. */
export function isAllowedNavigation(url: string, isAppUrl: GuardOptions['isAppUrl']): boolean {
  return isAppUrl(url);
}

/** will-navigate, will-frame-navigate and will-redirect: anything but the app is stopped. */
export function navigationGuard(isAppUrl: GuardOptions['isAppUrl']): (event: Event<{ url: string }>) => void {
  return (event) => {
    if (!isAllowedNavigation(event.url, isAppUrl)) event.preventDefault();
  };
}

/** will-attach-webview: no <webview> is attached. */
export function refuseWebview(event: Pick<Event, 'preventDefault'>): void {
  event.preventDefault();
}

/** The permission handlers, on the window's session. */
export function guardSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler(denyDevicePermission);
}

/** New windows, navigation, redirects and webviews, on one webContents. */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const navigation = navigationGuard(options.isAppUrl);
  contents.on('will-navigate', navigation);
  contents.on('will-frame-navigate', navigation);
  contents.on('will-redirect', navigation);
  contents.on('will-attach-webview', refuseWebview);
  contents.setWindowOpenHandler(({ url }: HandlerDetails) => windowOpenDecision(url, options.openExternal));
}

/** Every guard on the app window: its session's permissions and its webContents. */
export function guardWindow(window: Pick<BrowserWindow, 'webContents'>, options: GuardOptions): void {
  guardSession(window.webContents.session);
  guardWebContents(window.webContents, options);
}
