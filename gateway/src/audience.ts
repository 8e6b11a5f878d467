import type { ApolloServerPlugin } from '@apollo/server';
import type { RoleCluster } from '@cifra/permissions';
import { type DocumentNode, GraphQLError, Kind, visit } from 'graphql';

/**
 * Who may look at the schema itself. `staff`: the firm's own people (FirmAdmin, Senior, Junior)
 * acting with a staff role on the client they name — the development default; `off`: nobody — the
 * production default. Client users, external reviewers (and integrations, later) never can.
 */
export type IntrospectionPolicy = 'staff' | 'off';

const STAFF = new Set<RoleCluster>(['FirmAdmin', 'Senior', 'Junior']);

export function isStaff(firmRole: RoleCluster | null, tenantRole: RoleCluster | null | undefined): boolean {
  return (
    firmRole !== null &&
    STAFF.has(firmRole) &&
    (tenantRole === undefined || (tenantRole !== null && STAFF.has(tenantRole)))
  );
}

/**
 * Whether each document selects introspection, by document: Apollo hands every request of the same
 * text the same parsed document (its document store), so one walk serves them all — a walk per
 * request was 1.6 % of the gateway's CPU under load.
 */
const introspecting = new WeakMap<DocumentNode, boolean>();

export function selectsIntrospection(document: DocumentNode): boolean {
  let found = introspecting.get(document);
  if (found === undefined) {
    found = walkForIntrospection(document);
    introspecting.set(document, found);
  }
  return found;
}

function walkForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

const SUGGESTION = / ?Did you mean [^?]+\?/g;

/** Introspection and field suggestions only for the audience the policy names. */
export function audiencePlugin(policy: IntrospectionPolicy): ApolloServerPlugin<{ staff?: boolean }> {
  const allowed = (ctx: { staff?: boolean }) => policy === 'staff' && ctx.staff === true;
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ document }) {
          if (!allowed(contextValue) && selectsIntrospection(document)) {
            throw new GraphQLError('Introspection is not available to you: use the published schema', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
        },
        async didEncounterErrors({ errors }) {
          if (allowed(contextValue)) return;
          for (const error of errors) error.message = error.message.replace(SUGGESTION, '');
        },
      };
    },
  };
}
