import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '@tandem/crdt-bridge/protocol';
import type { AuthUser } from '../auth/roles.js';

/** What a route handler receives: the request, the response, and the path's named groups. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Who is asking (in open mode, an owner of everything). */
  user: AuthUser;
}

/** One HTTP route: a method, a path pattern with named groups, a handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  handler: (ctx: RouteContext) => Promise<void> | void;
  /** Answered without a token (health checks). */
  public?: boolean;
  /** The role needed on the document named by the path's `id`; routes without an id check for themselves. */
  role?: Role;
}

/** Finds the route for a request: the route and its params, 'method-not-allowed', 'bad-path' (undecodable %-escapes), or null. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | 'method-not-allowed' | 'bad-path' | null {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method || (route.method === 'GET' && method === 'HEAD')) {
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(match.groups ?? {})) {
        try {
          params[key] = decodeURIComponent(value);
        } catch {
          return 'bad-path';
        }
      }
      return { route, params };
    }
  }
  return pathMatched ? 'method-not-allowed' : null;
}
