import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { refusedFields } from './refused-access.ts';
import { withoutDataOnError } from './use-query.ts';

const forbidden = (path?: (string | number)[]) => ({
  message: 'Missing permission Firm.ManageUsers',
  extensions: { code: 'FORBIDDEN' },
  ...(path ? { path } : {}),
});

describe('what a refusal forgets', () => {
  it('names the root fields refused FORBIDDEN, once each', () => {
    const error = new CombinedGraphQLErrors({
      data: null,
      errors: [
        forbidden(['firmMembersConnection']),
        forbidden(['tenantsConnection', 'edges', 3, 'node', 'whiteLabel']),
        forbidden(['firmMembersConnection']),
        { message: 'Too short', extensions: { code: 'REASON_TOO_SHORT' }, path: ['closeBoard'] },
      ],
    });
    expect(refusedFields(error)).toEqual(['firmMembersConnection', 'tenantsConnection']);
  });

  it('refuses the whole request when a refusal names no field, or comes as the gateway’s 403', () => {
    expect(refusedFields(new CombinedGraphQLErrors({ errors: [forbidden()] }))).toBeNull();
    const body = JSON.stringify({ errors: [forbidden()] });
    const response = new Response(body, { status: 403 });
    expect(refusedFields(new ServerError('403', { response, bodyText: body }))).toBeNull();
  });
});

describe('a query’s result as screens draw it', () => {
  it('has no data, nor previous data, beside an error', () => {
    const error = new Error('Failed to fetch');
    const drawn = withoutDataOnError({ error, data: { rows: [1] }, previousData: { rows: [0] } });
    expect(drawn).toMatchObject({ error, data: undefined, previousData: undefined, dataState: 'empty' });
  });

  it('is left as it is without an error', () => {
    const result = { data: { rows: [1] }, previousData: { rows: [0] } };
    expect(withoutDataOnError(result)).toBe(result);
  });
});
