export * from './documents/brand.ts';
export type { Brand, DocumentView } from './documents/document-view.ts';
export { KIND_TITLES, renderDocumentPdf, winAnsi } from './documents/render-pdf.ts';
export * from './documents/stream-documents.ts';
export { decimalText, moneyText, plainNumber, taxesByRate } from './documents/text.ts';
export * from './formats.ts';
export * from './link.ts';
export * from './stream-export.ts';
