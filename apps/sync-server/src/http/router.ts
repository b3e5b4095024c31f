import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route handler receives: the request, the response, and the path's named groups. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

/** One HTTP route: a method, a path pattern with named groups, a handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  handler: (ctx: RouteContext) => Promise<void> | void;
}

/** Finds the route for a request: the route and its params, `405` if only the method is wrong, or null. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | 'method-not-allowed' | null {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method || (route.method === 'GET' && method === 'HEAD')) {
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(match.groups ?? {})) params[key] = decodeURIComponent(value);
      return { route, params };
    }
  }
  return pathMatched ? 'method-not-allowed' : null;
}
