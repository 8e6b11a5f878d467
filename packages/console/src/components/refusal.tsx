import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';

/** What went wrong, in words and with its stable code, for a person to act on. */
export interface Refusal {
  code: string;
  message: string;
}

export function refusalsOf(error: unknown): Refusal[] {
  if (CombinedGraphQLErrors.is(error)) {
    // One request asks for many fields (twelve months of the board): the same refusal once.
    const seen = new Map<string, Refusal>();
    for (const e of error.errors) {
      const code = typeof e.extensions?.code === 'string' ? e.extensions.code : 'ERROR';
      seen.set(`${code} ${e.message}`, { code, message: e.message });
    }
    return [...seen.values()];
  }
  if (ServerError.is(error)) {
    // The gateway refuses some requests before GraphQL runs (a client one may not use: 403) with
    // a GraphQL error body all the same: its code and message are the refusal.
    const inBody = refusalsInBody(error.bodyText);
    if (inBody.length > 0) return inBody;
    return [{ code: `HTTP_${error.statusCode}`, message: 'The server refused the request.' }];
  }
  if (ServerParseError.is(error)) {
    return [{ code: `HTTP_${error.statusCode}`, message: 'The server answered with something unreadable.' }];
  }
  return [
    {
      code: 'NETWORK_ERROR',
      message: error instanceof Error ? error.message : 'The server could not be reached.',
    },
  ];
}

function refusalsInBody(bodyText: string): Refusal[] {
  try {
    const body: unknown = JSON.parse(bodyText);
    const errors = (body as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((e: { message?: unknown; extensions?: { code?: unknown } }) =>
      typeof e?.message === 'string'
        ? [{ code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'ERROR', message: e.message }]
        : [],
    );
  } catch {
    return [];
  }
}

/** Whether `error` is the API saying the caller may not do this at all (FORBIDDEN). */
export const isForbidden = (error: unknown): boolean =>
  !!error && refusalsOf(error).some((r) => r.code === 'FORBIDDEN');

/** A refusal shown where the screen would have been: each code and message, announced. */
export function RefusalNotice({ error, title }: { error: unknown; title: string }) {
  return (
    <div className="notice notice-error" role="alert">
      <h2>{title}</h2>
      <ul>
        {refusalsOf(error).map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: refusals have no identity but their order
          <li key={i}>
            <code className="code">{r.code}</code> {r.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}
