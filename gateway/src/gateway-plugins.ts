import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@cifra/context';
import { type ControlDb, recordIntegrationUsage } from '@cifra/db';
import { GraphQLError } from 'graphql';
import { forgetAccess, type GatewayCaches } from './caches.ts';
import type { GatewayContext } from './gateway-context.ts';

/**
 * Every request of a partner integration that got past authentication is counted by day, client
 * and operation (integrationUsage). Counting never fails the request: a failure is logged.
 */
export function integrationUsagePlugin(control: ControlDb, log: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, request }) {
          const access = contextValue.access;
          if (!access?.integration) return;
          await recordIntegrationUsage(
            control,
            access.integration.id,
            access.tenant?.id ?? null,
            operationName ?? request.operationName ?? null,
          ).catch((err: unknown) => log.warn({ err }, 'integration usage not counted'));
        },
      };
    },
  };
}

/**
 * The operation a request names must be one it holds, and a query or mutation: an unknown
 * `operationName`, or several operations without one, is the client's mistake (400 BAD_REQUEST, as
 * the GraphQL spec's request error), never the planner's 500; subscriptions are not served (no root
 * type).
 */
export const servedOperationsOnly: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request }) {
        if (!operation) {
          const message = request.operationName
            ? `The document has no operation named ${JSON.stringify(request.operationName)}`
            : 'The document holds several operations: name the one to run in operationName';
          throw new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        if (operation.operation === 'subscription') {
          throw new GraphQLError('Subscriptions are not served by this API: poll the query instead', {
            extensions: { code: 'OPERATION_NOT_SUPPORTED', http: { status: 400 } },
          });
        }
      },
    };
  },
};

/**
 * A mutation through this gateway may change who can do what (a role, a grant, a suspension): the
 * remembered access is dropped before its answer leaves, so the caller's next request — and
 * everyone's — is looked up afresh.
 */
export function forgetAccessAfterMutations(caches: GatewayCaches): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation === 'mutation') forgetAccess(caches);
        },
      };
    },
  };
}
