import { describe, expect, it } from 'vitest';
import { readEnv, TRACES_SAMPLE_RATIO_DEFAULT, tracingOf } from '../src/env.ts';

describe('where traces go and how many', () => {
  const endpoint = 'http://collector.example:4318';

  it('are off without an endpoint', () => {
    expect(tracingOf(readEnv({ NODE_ENV: 'production' }), 'split')).toBeUndefined();
  });

  it('sample one request in ten in production, every request elsewhere', () => {
    expect(TRACES_SAMPLE_RATIO_DEFAULT).toBe(0.1);
    const production = tracingOf(
      readEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, NODE_ENV: 'production' }),
      'split',
    );
    expect(production).toMatchObject({ endpoint, sampleRatio: 0.1 });
    const development = tracingOf(readEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), 'all-in-one');
    expect(development?.sampleRatio).toBeUndefined();
  });

  it('leave sampling to the SDK’s own variables when OTEL_TRACES_SAMPLER is set', () => {
    const own = tracingOf(
      readEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        NODE_ENV: 'production',
        OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      }),
      'split',
    );
    expect(own?.sampleRatio).toBeUndefined();
  });
});
