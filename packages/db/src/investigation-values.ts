import { parse } from 'lossless-json';
import { pg } from './pg.ts';

/**
 * How an investigation reads values the driver would otherwise pass through a JavaScript number:
 * `numeric[]` (pg-types parses its elements with parseFloat) and json/jsonb (JSON.parse). An
 * amount of 12345678901234567.89 came back as 12345678901234568 and `1.10` as 1.1. Here a
 * `numeric[]` is an array of decimal strings, as a `numeric` is, and every number inside json or
 * jsonb is its exact text; json[] and jsonb[] likewise. Every other type as the driver reads it.
 */
const OID = { json: 114, jsonArray: 199, numericArray: 1231, jsonb: 3802, jsonbArray: 3807, textArray: 1009 };

const exactJson = (text: string): unknown => parse(text, null, (digits) => digits);

const textArray = (text: string) => pg.types.getTypeParser(OID.textArray, 'text')(text) as (string | null)[];

const exactJsonArray = (text: string) => textArray(text).map((v) => (v === null ? null : exactJson(v)));

const EXACT: ReadonlyMap<number, (text: string) => unknown> = new Map<number, (text: string) => unknown>([
  [OID.numericArray, textArray],
  [OID.json, exactJson],
  [OID.jsonb, exactJson],
  [OID.jsonArray, exactJsonArray],
  [OID.jsonbArray, exactJsonArray],
]);

export const investigationTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && EXACT.has(oid)
      ? EXACT.get(oid)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};
