import { XMLParser } from 'fast-xml-parser';
import { formatError } from './statement.ts';

/**
 * XML as statement files need it: every value a string (an amount never passes through a float),
 * no attribute prefix games, and no DTD at all — a file declaring one (the way to entity-expansion
 * bombs and external entities) is refused before parsing.
 */
export function parseXml(xml: string, arrays: ReadonlySet<string>): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw formatError('The file declares a DTD or entities, which statements never need');
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    removeNSPrefix: true,
    processEntities: true,
    htmlEntities: false,
    isArray: (name) => arrays.has(name),
  });
  try {
    return parser.parse(xml, true) as Record<string, unknown>;
  } catch (err) {
    const line = (err as { err?: { line?: number } }).err?.line;
    throw formatError(`The XML cannot be read: ${String((err as Error).message ?? err).slice(0, 200)}`, {
      ...(line ? { line } : {}),
    });
  }
}

/** A child element by path, or undefined. */
export function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** An element's text, whether it has attributes (`#text`) or not. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node)
    return String((node as { '#text': unknown })['#text']);
  return undefined;
}
