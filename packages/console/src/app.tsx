import { ApolloProvider, useQuery } from '@apollo/client/react';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { Button, Link, RouterProvider } from 'react-aria-components';
import { createApolloClient } from './apollo.ts';
import { Loading, RefusalNotice } from './components/refusal.tsx';
import { MeQuery } from './operations.ts';
import { navigate, ROUTES, usePathname } from './router.ts';
import { CloseBoard } from './screens/close-board.tsx';
import { Exceptions } from './screens/exceptions.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { clearSession, readSession, type Session, saveSession } from './session.ts';

// Screens beyond the board and the inbox are loaded when first opened (one chunk each).
const BatchScreen = lazy(() => import('./screens/batch/batch.tsx'));
const PeopleScreen = lazy(() => import('./screens/people/people.tsx'));
const WorkspaceScreen = lazy(() => import('./screens/workspace/workspace.tsx'));
const NAV = [
  { href: ROUTES.board, label: 'Close board' },
  { href: ROUTES.exceptions, label: 'Exceptions' },
  { href: ROUTES.batch, label: 'Batch close' },
  { href: ROUTES.people, label: 'People and roles' },
  { href: ROUTES.clients, label: 'Clients' },
] as const;

export function App() {
  const [session, setSession] = useState<Session | null>(readSession);
  const signOut = useCallback(() => {
    clearSession();
    setSession(null);
  }, []);
  const client = useMemo(
    () => (session ? createApolloClient(session.accessToken, signOut) : null),
    [session, signOut],
  );
  return (
    <RouterProvider navigate={navigate}>
      {session && client ? (
        <ApolloProvider client={client}>
          <Shell onSignOut={signOut} />
        </ApolloProvider>
      ) : (
        <SignIn
          onSignedIn={(s) => {
            saveSession(s);
            setSession(s);
          }}
        />
      )}
    </RouterProvider>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const pathname = usePathname();
  const { data, error } = useQuery(MeQuery);
  const me = data?.me;
  // Someone with no firm-wide role (ClientReadOnly) has no firm screen to use: only their clients.
  const clientOnly = !!me && !me.firmRole;
  const nav = !me ? [] : clientOnly ? NAV.filter((n) => n.href === ROUTES.clients) : NAV;
  const inWorkspace = pathname === ROUTES.clients || pathname.startsWith(`${ROUTES.clients}/`);
  const year = Number(new URLSearchParams(window.location.search).get('year')) || new Date().getUTCFullYear();
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
            <span data-testid="signed-in-as">
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
      <main id="main" className="app-main">
        {error && <RefusalNotice error={error} title="Who you are could not be loaded" />}
        {inWorkspace || (clientOnly && pathname === ROUTES.board) ? (
          <Suspense fallback={<Loading what="the client workspace" />}>
            <WorkspaceScreen />
          </Suspense>
        ) : pathname === ROUTES.exceptions ? (
          <Exceptions />
        ) : pathname === ROUTES.batch ? (
          <Suspense fallback={<Loading what="the batch screen" />}>
            <BatchScreen />
          </Suspense>
        ) : pathname === ROUTES.people ? (
          <Suspense fallback={<Loading what="the people screen" />}>
            <PeopleScreen />
          </Suspense>
        ) : pathname === ROUTES.board && !me && !error ? (
          <Loading what="your screens" />
        ) : pathname === ROUTES.board ? (
          <CloseBoard year={year} />
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
