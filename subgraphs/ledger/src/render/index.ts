/**
 * Rendered documents (issue 18 §5), as one feature: schema (`render.graphql`), rules, resolvers,
 * the use cases (`render-links.ts`: the signed links of `renderDocument` and
 * `exportDocumentsArchive`) and `store.ts`. The PDF itself is drawn when the link is downloaded,
 * by packages/exports (`documents/`), which the gateway's /exports route serves.
 */
export { exportDocumentsArchive, MAX_ARCHIVE_DAYS, renderDocument } from './render-links.ts';
