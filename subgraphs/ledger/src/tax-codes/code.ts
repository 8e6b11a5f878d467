import { z } from 'zod';

/**
 * A tax code as the books keep it: trimmed and upper-case (ITBMS7), whatever case it is typed in.
 * Every input naming a code goes through this once — a code created, changed or deactivated, a
 * document's line, an item's default — so "itbms7" and "ITBMS7" are one code everywhere.
 */
export const normaliseTaxCode = (code: string): string => code.trim().toUpperCase();

/** A tax code in an input (a line's, an item's), normalised as `normaliseTaxCode`. */
export const taxCodeRef = z.string().trim().min(1).transform(normaliseTaxCode);
