import { expect } from 'vitest';
import { type gql, type Nodes, nodes } from './client.ts';

/** What every board line a test reads carries, beside the fields it asks for. */
export interface BoardLineBase {
  client: { slug: string };
  freshness: string;
}

/**
 * One client's close-board line for a month, as the firm reads it (`fields` are the line's other
 * fields); undefined when the caller does not see the client.
 */
export async function boardLine<T extends BoardLineBase>(
  as: ReturnType<typeof gql>,
  at: { slug: string; year: number; month: number },
  fields: string,
): Promise<T | undefined> {
  const r = await as<{ closeBoard: { clientsConnection: Nodes<T> } }>(
    `query ($year: Int!, $month: Int!) { closeBoard(year: $year, month: $month) {
      clientsConnection(first: 50) { edges { node { client { slug } freshness ${fields} } } } } }`,
    { year: at.year, month: at.month },
  );
  expect(r.errors).toBeUndefined();
  return nodes(r.data?.closeBoard.clientsConnection).find((c) => c.client.slug === at.slug);
}

/** The line once it shows the client's latest change: CURRENT (waiting for an event, not a time). */
export async function currentBoardLine<T extends BoardLineBase>(
  as: ReturnType<typeof gql>,
  at: { slug: string; year: number; month: number },
  fields: string,
): Promise<T> {
  for (;;) {
    const line = await boardLine<T>(as, at, fields);
    if (line?.freshness === 'CURRENT') return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
