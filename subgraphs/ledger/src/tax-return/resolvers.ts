import { decimalOf, formatDecimal, formatMoney } from '@cifra/domain';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { booksOf } from '../services/books.ts';
import { itbmsReturnCsv } from './csv.ts';
import type { RateFigures } from './itbms.ts';
import { renderItbmsReturn } from './render-itbms.ts';
import { itbmsReturn } from './tax-return.ts';

export const taxReturnQueries: Pick<QueryResolvers, 'itbmsReturn'> = {
  itbmsReturn: async (_p, { year, month }, ctx) => {
    const books = await booksOf(ctx);
    const r = await itbmsReturn(books, year, month);
    const units = books.company.baseMinorUnits;
    const baseCurrency = books.company.baseCurrency.trim();
    const money = (m: bigint) => formatMoney(m, units);
    const rates = (list: RateFigures[]) =>
      list.map((l) => ({
        ratePercent: formatDecimal(decimalOf(l.ratePercent)),
        base: money(l.baseMinor),
        tax: money(l.taxMinor),
      }));
    return {
      year: r.year,
      month: r.month,
      from: r.from,
      to: r.to,
      baseCurrency,
      sales: rates(r.sales),
      exemptSales: money(r.exemptSalesMinor),
      creditNotesBase: money(r.creditNotes.baseMinor),
      creditNotesTax: money(r.creditNotes.taxMinor),
      purchases: rates(r.purchases),
      exemptPurchases: money(r.exemptPurchasesMinor),
      debitNotesBase: money(r.debitNotes.baseMinor),
      debitNotesTax: money(r.debitNotes.taxMinor),
      journalOutputTax: money(r.journalOutputTaxMinor),
      journalInputTax: money(r.journalInputTaxMinor),
      outputTax: money(r.outputTaxMinor),
      inputTax: money(r.inputTaxMinor),
      creditBroughtForward: money(r.creditBroughtForwardMinor),
      netPayable: money(r.payableMinor),
      creditCarriedForward: money(r.carriedForwardMinor),
      glOutputTax: money(r.glOutputTaxMinor),
      glInputTax: money(r.glInputTaxMinor),
      reconciles: r.reconciles,
      csv: itbmsReturnCsv(r, { legalName: books.company.legalName, baseCurrency, baseMinorUnits: units }),
    };
  },
};

const callerOf = (ctx: Context) => {
  const integration = ctx.request.integration;
  return {
    ...ctx.actor,
    integration: integration && { clientId: integration.clientId, via: integration.via },
  };
};

export const taxReturnMutations: Pick<MutationResolvers, 'renderItbmsReturn'> = {
  renderItbmsReturn: async (_p, { year, month, format }, ctx) =>
    renderItbmsReturn(
      await booksOf(ctx),
      ctx.deps.exportLinks,
      callerOf(ctx),
      ctx.request.tenant as { id: string; slug: string },
      year,
      month,
      format ?? 'PDF',
    ),
};
