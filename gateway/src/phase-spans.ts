import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import { endSpan, type ServiceTracing } from '@cifra/tracing';
import type { GatewayContext } from './gateway-context.ts';
import { recordedOperationName } from './observability.ts';

/**
 * The gateway's own work on a traced request, as two spans under the request's: `gateway.plan`
 * (from the start of execution until @apollo/gateway has its query plan: the operation checked
 * against the supergraph, the plan taken from its cache or built) and `gateway.execute` (the plan
 * run: the subgraph fetches, each a child of it, and the merging of their answers). Parse and
 * validation are the gap before them. @apollo/gateway's own spans need a global context manager,
 * which is not registered (docs/adr/0004-traces-explicit-parentage.md): these are made from
 * Apollo Server's plugin hooks and the gateway's query-plan callback, with explicit parentage. A
 * request that is not sampled gets neither.
 */
export function phaseSpansPlugin(tracing: ServiceTracing): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const trace = contextValue.trace;
      const request = trace?.span;
      if (!trace || !request?.span.isRecording()) return;
      return {
        async executionDidStart({ operationName }) {
          const named = operationName
            ? { 'graphql.operation.name': recordedOperationName(operationName) }
            : {};
          trace.plan = tracing.internalSpan('gateway.plan', named, request.context);
          return {
            async executionDidEnd(err) {
              const outcome = err ? 'ERROR' : 'OK';
              // A plan that failed ends here (its execution never started).
              if (trace.plan?.span.isRecording()) endSpan(trace.plan.span, outcome);
              if (trace.execute) endSpan(trace.execute.span, outcome);
            },
          };
        },
      };
    },
  };
}

/** @apollo/gateway's callback once the plan is known: the plan's span ends, the execution's starts. */
export function planResolved(tracing: ServiceTracing): Experimental_DidResolveQueryPlanCallback {
  return ({ requestContext }) => {
    const trace = (requestContext.context as GatewayContext | undefined)?.trace;
    if (!trace?.plan || !trace.span) return;
    endSpan(trace.plan.span, 'OK');
    trace.execute = tracing.internalSpan('gateway.execute', {}, trace.span.context);
  };
}
