/**
 * The gateway's own reading of the environment.
 *
 * `@apollo/gateway` (2.14) starts an OpenTelemetry meter at construction that probes the cloud
 * metadata services (AWS, GCP, Azure, Alibaba) and exports usage figures to Apollo over the
 * internet, unless `APOLLO_TELEMETRY_DISABLED` is `true` or `1`. A firm's books server must not
 * call out unasked, and offline it only logs failed lookups, so it is off unless the operator
 * opts in by setting `APOLLO_TELEMETRY_DISABLED=false`. The library reads the variable itself,
 * hence the write.
 */
export function keepVendorTelemetryOff(env: NodeJS.ProcessEnv = process.env): void {
  if (env.APOLLO_TELEMETRY_DISABLED === undefined || env.APOLLO_TELEMETRY_DISABLED === '') {
    env.APOLLO_TELEMETRY_DISABLED = 'true';
  }
}
