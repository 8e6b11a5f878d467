import { ApolloProvider, useApolloClient } from '@apollo/client/react';
import { lazy, Suspense, useEffect, useMemo, useRef } from 'react';
import { Button, Link, RouterProvider } from 'react-aria-components';
import { createApolloClient } from './apollo.ts';
import { useAuth } from './auth/use-auth.ts';
import { Loading, RefusalNotice } from './components/refusal.tsx';
import { setFirmLocale } from './locale.ts';
import { MeQuery } from './operations.ts';
import { markStep } from './page-marks.ts';
import { Preloaded, preloadable } from './preloadable.tsx';
import { navigate, ROUTES, usePathname } from './router.ts';
import { prefetchBoard } from './screens/board-data.ts';
import { SignIn } from './screens/sign-in.tsx';
import { currentYear } from './stages.ts';
import { useQuery } from './use-query.ts';

// Every screen is loaded when first opened (one chunk each): the entry chunk is the shell and
// sign-in, the board's table and its queries come in the board's own chunk.
const board = preloadable(() => import('./screens/close-board.tsx').then((m) => m.CloseBoard));
const Exceptions = lazy(() => import('./screens/exceptions.tsx').then((m) => ({ default: m.Exceptions })));
const BatchScreen = lazy(() => import('./screens/batch/batch.tsx'));
const PeopleScreen = lazy(() => import('./screens/people/people.tsx'));
const WorkspaceScreen = lazy(() => import('./screens/workspace/workspace.tsx'));
const FirmAuditScreen = lazy(() => import('./screens/audit/firm-audit.tsx'));
// A firm screen is offered only to whom the API says may use it (`me.mayManagePeople`,
// `me.mayReadFirmAudit`, `me.mayReadFirmDashboard`); typed by hand, the route still shows the
// API's refusal.
const NAV = [
  { href: ROUTES.board, label: 'Close board', onlyIf: 'mayReadFirmDashboard' },
  { href: ROUTES.exceptions, label: 'Exceptions', onlyIf: 'mayReadFirmDashboard' },
  { href: ROUTES.batch, label: 'Batch close', onlyIf: 'mayReadFirmDashboard' },
  { href: ROUTES.people, label: 'People and roles', onlyIf: 'mayManagePeople' },
  { href: ROUTES.clients, label: 'Clients' },
  { href: ROUTES.audit, label: 'Firm audit', onlyIf: 'mayReadFirmAudit' },
] as const;

export function App() {
  const { state, signedInLocally, signInWithProvider, signOut, refused } = useAuth();
  // The client lives as long as the person is signed in; a renewed token is read per request.
  const token = useRef('');
  token.current = state.status === 'signed-in' ? state.accessToken : '';
  const who = state.status === 'signed-in' ? state.who : null;
  const client = useMemo(
    () => (who ? createApolloClient(() => token.current, refused) : null),
    [who, refused],
  );
  return (
    <RouterProvider navigate={navigate}>
      {state.status === 'signed-in' && client ? (
        <ApolloProvider client={client}>
          <Shell onSignOut={signOut} />
        </ApolloProvider>
      ) : state.status === 'signed-out' ? (
        <SignIn
          config={state.config}
          notice={state.notice}
          onSignedIn={signedInLocally}
          onSignInWithProvider={signInWithProvider}
        />
      ) : (
        <main className="sign-in" id="main">
          <h1>Sign in to cifraHQ</h1>
          <Loading what="how to sign in" />
        </main>
      )}
    </RouterProvider>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const pathname = usePathname();
  const { data, error } = useQuery(MeQuery);
  const me = data?.me;
  // Amounts and dates in the firm's locale (locale.ts): set before the screens below are drawn,
  // and `main` drawn afresh under it when it changes (once, when `me` first answers).
  const locale = setFirmLocale(me?.firm.locale);
  useEffect(() => {
    if (me) markStep('me');
  }, [me]);
  // Someone with no firm-wide role (ClientReadOnly) has no firm screen to use: only their clients.
  const clientOnly = !!me && !me.firmRole;
  // Without the firm dashboard (an external reviewer, a client user) the console opens on Clients.
  const noBoard = !!me && !me.mayReadFirmDashboard;
  const nav = !me
    ? []
    : clientOnly
      ? NAV.filter((n) => n.href === ROUTES.clients)
      : NAV.filter((n) => !('onlyIf' in n) || me[n.onlyIf]);
  const inWorkspace = pathname === ROUTES.clients || pathname.startsWith(`${ROUTES.clients}/`);
  const year = Number(new URLSearchParams(window.location.search).get('year')) || currentYear();
  // Opened on the board, the shell starts the board's chunk and data beside `me`, not after it
  // (once: the board mounts only once `me` is in, and takes that load then).
  const client = useApolloClient();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the page the console was opened on, once.
  useEffect(() => {
    if (window.location.pathname !== ROUTES.board) return;
    void board.preload();
    prefetchBoard(client, year);
  }, []);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">cifraHQ{me ? ` · ${me.firm.name}` : ''}</div>
        <nav aria-label="Screens" className="app-nav">
          {nav.map((n) => (
            <Link
              key={n.href}
              className="nav-link"
              href={n.href}
              aria-current={
                pathname === n.href || (n.href === ROUTES.clients && inWorkspace) ? 'page' : undefined
              }
            >
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="who">
          {me && (
            <span className="who-name" data-testid="signed-in-as">
              {me.displayName}{' '}
              <span className="muted">
                ({me.email}
                {me.firmRole ? `, ${me.firmRole}` : ''})
              </span>
            </span>
          )}
          <Button className="button" onPress={onSignOut}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" className="app-main" key={locale}>
        {error && <RefusalNotice error={error} title="Who you are could not be loaded" />}
        {!me && !error ? (
          // Every screen formats in the firm's locale, which comes with `me`.
          <Loading what="your screens" />
        ) : inWorkspace || (noBoard && pathname === ROUTES.board) ? (
          <Suspense fallback={<Loading what="the client workspace" />}>
            <WorkspaceScreen />
          </Suspense>
        ) : pathname === ROUTES.exceptions ? (
          <Suspense fallback={<Loading what="the exceptions inbox" />}>
            <Exceptions />
          </Suspense>
        ) : pathname === ROUTES.batch ? (
          <Suspense fallback={<Loading what="the batch screen" />}>
            <BatchScreen />
          </Suspense>
        ) : pathname === ROUTES.people ? (
          <Suspense fallback={<Loading what="the people screen" />}>
            <PeopleScreen />
          </Suspense>
        ) : pathname === ROUTES.audit ? (
          <Suspense fallback={<Loading what="the firm's audit trail" />}>
            <FirmAuditScreen />
          </Suspense>
        ) : pathname === ROUTES.board ? (
          <Suspense fallback={<Loading what="the close board" />}>
            <Preloaded screen={board} props={{ year }} />
          </Suspense>
        ) : (
          <p className="notice">
            There is no screen here.{' '}
            <Link className="link" href={ROUTES.board}>
              Go to the close board
            </Link>
            .
          </p>
        )}
      </main>
    </>
  );
}
