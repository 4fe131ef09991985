import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointAnswer, Scenario } from './scenario';

/** One request a merchant endpoint received, on the simulation's clock. */
export interface EndpointRequest {
  /** ms after t+0. */
  atMs: number;
  answer: EndpointAnswer;
  eventId: string | undefined;
}

/** A running merchant callback endpoint of a scenario. */
export interface ScriptedEndpoint {
  name: string;
  url: string;
  received: EndpointRequest[];
  stop(): Promise<void>;
}

/** Outside its windows an endpoint accepts the callback. */
const DEFAULT_ANSWER: EndpointAnswer = 200;

/**
 * A merchant's callback endpoint on loopback whose answer depends on simulated time: 503 for the first six hours,
 * then 200, say. `simulatedNow` reads Temporal's clock (the time-skipping server does not skip while the callback
 * activity runs, so it is the attempt's time give or take the milliseconds the request takes).
 */
export async function startScriptedEndpoint(
  endpoint: Scenario['endpoints'][number],
  epochMs: number,
  simulatedNow: () => Promise<number>,
): Promise<ScriptedEndpoint> {
  const received: EndpointRequest[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      simulatedNow().then(
        (now) => {
          const atMs = now - epochMs;
          const window = endpoint.windows.find((w) => atMs >= w.fromMs && (w.untilMs === null || atMs < w.untilMs));
          const answer = window?.respond ?? DEFAULT_ANSWER;
          const eventId = req.headers['x-paystar-event-id'];
          received.push({ atMs, answer, eventId: Array.isArray(eventId) ? eventId[0] : eventId });
          if (answer === 'drop') req.socket.destroy();
          else res.writeHead(answer).end();
        },
        () => req.socket.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name: endpoint.name,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/${encodeURIComponent(endpoint.name)}`,
    received,
    stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
