/** The current location, reactive; changes through {@link navigate} or the browser's back/forward. */
class Router {
  path = $state(window.location.pathname);

  constructor() {
    window.addEventListener('popstate', () => (this.path = window.location.pathname));
  }

  /** Goes to `path` inside the app without reloading the page. */
  navigate(path: string): void {
    if (path === this.path) return;
    window.history.pushState(null, '', path);
    this.path = path;
  }
}

/** The app's router. */
export const router = new Router();

/** A route the app knows. */
export type Route =
  { name: 'home' } | { name: 'auth' } | { name: 'trash' } | { name: 'document'; docId: string } | { name: 'not-found' };

/** Matches a path to a route. */
export function matchRoute(path: string): Route {
  if (path === '/' || path === '') return { name: 'home' };
  if (path === '/auth') return { name: 'auth' };
  if (path === '/trash' || path === '/trash/') return { name: 'trash' };
  const match = /^\/d\/([^/]+)\/?$/.exec(path);
  if (match) return { name: 'document', docId: decodeURIComponent(match[1]!) };
  return { name: 'not-found' };
}
