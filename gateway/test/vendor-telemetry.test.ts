import { ApolloGateway } from '@apollo/gateway';
import { describe, expect, it } from 'vitest';
import { keepVendorTelemetryOff } from '../src/env.ts';

const supergraphSdl = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { A @join__graph(name: "a", url: "http://127.0.0.1:9/graphql") }
type Query { hello: String }
`;

describe("Apollo's usage telemetry", () => {
  it('is off unless the operator opts in', () => {
    const env: NodeJS.ProcessEnv = {};
    keepVendorTelemetryOff(env);
    expect(env.APOLLO_TELEMETRY_DISABLED).toBe('true');

    const optedIn: NodeJS.ProcessEnv = { APOLLO_TELEMETRY_DISABLED: 'false' };
    keepVendorTelemetryOff(optedIn);
    expect(optedIn.APOLLO_TELEMETRY_DISABLED).toBe('false');
  });

  it('starts no meter in a gateway built after it (nothing probes cloud metadata or exports)', async () => {
    const previous = process.env.APOLLO_TELEMETRY_DISABLED;
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    try {
      keepVendorTelemetryOff();
      const gateway = new ApolloGateway({ supergraphSdl });
      // The gateway registers the meter provider's shutdown among its disposers when it starts one.
      expect((gateway as unknown as { toDispose: unknown[] }).toDispose).toHaveLength(0);
      await gateway.stop();
    } finally {
      if (previous === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
      else process.env.APOLLO_TELEMETRY_DISABLED = previous;
    }
  });
});
