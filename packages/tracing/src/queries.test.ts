import { describe, expect, it } from 'vitest';
import { summarize } from './queries.ts';

describe('what a query span says about its statement', () => {
  it('names the operation and the first table, from what drizzle and the raw SQL of the code send', () => {
    expect(summarize('select "id", "code" from "accounts" where "accounts"."code" = $1')).toEqual({
      operation: 'SELECT',
      table: 'accounts',
    });
    expect(summarize('insert into "gl_lines" ("entry_id") values ($1)')).toEqual({
      operation: 'INSERT',
      table: 'gl_lines',
    });
    expect(summarize('UPDATE ONLY public.tenants SET status = $1')).toEqual({
      operation: 'UPDATE',
      table: 'tenants',
    });
    expect(summarize('delete from "drafts" where id = $1')).toEqual({ operation: 'DELETE', table: 'drafts' });
    expect(summarize("/* note */ SELECT set_config('cifra.actor', $1, true)")).toEqual({
      operation: 'SELECT',
    });
    expect(summarize('begin')).toEqual({ operation: 'BEGIN' });
    expect(summarize('')).toEqual({ operation: 'QUERY' });
  });
});
