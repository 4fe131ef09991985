import type { DataSource } from 'typeorm';
import type { GatewayPaymentRequest } from '../../domain/gateway-contract';
import { createGatewayRegistry } from '../../gateways';
import { type GatewayConnector, GatewayRegistry } from '../../gateways/connector';

/** A connector that records what the sandbox gateway is asked to create, then lets the sandbox answer. */
export class RecordingConnector implements GatewayConnector {
  readonly name = 'recording-sandbox';
  readonly creates: GatewayPaymentRequest[] = [];
  constructor(private readonly inner: GatewayConnector) {}
  create(...args: Parameters<GatewayConnector['create']>) {
    this.creates.push(structuredClone(args[0]));
    return this.inner.create(...args);
  }
  status(...args: Parameters<GatewayConnector['status']>) {
    return this.inner.status(...args);
  }
  verifyCallback(...args: Parameters<GatewayConnector['verifyCallback']>) {
    return this.inner.verifyCallback(...args);
  }

  /** The shipped connectors plus this one (wrapping `sandbox`); gateways opt in with connector `recording-sandbox`. */
  static registry(dataSource: DataSource, sink: (recorder: RecordingConnector) => void): GatewayRegistry {
    const shipped = createGatewayRegistry(dataSource);
    const recorder = new RecordingConnector(shipped.get('sandbox'));
    sink(recorder);
    return new GatewayRegistry([shipped.get('sandbox'), recorder]);
  }
}

/** Points a test merchant's gateways at the recording connector. */
export async function recordGateways(ds: DataSource, gatewayIds: string[]): Promise<void> {
  await ds.query(`UPDATE gateways SET connector = 'recording-sandbox' WHERE id = ANY($1)`, [gatewayIds]);
}
