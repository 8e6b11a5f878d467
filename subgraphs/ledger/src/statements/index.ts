/**
 * Customer and vendor statements (issue 19 §4), as one feature: schema (`statements.graphql`),
 * rules, resolvers, the use cases (`party-statement.ts`: the figures; `statement-links.ts`: the
 * signed links of the PDF and the archive) and `store.ts`. The figures are computed by
 * packages/exports (`statements/`), whose queries the gateway also runs to draw the PDF.
 */
export { MAX_STATEMENT_DAYS, partyStatement } from './party-statement.ts';
export { exportPartyStatementsArchive, renderPartyStatement } from './statement-links.ts';
