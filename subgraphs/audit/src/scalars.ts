/** The JSON scalar is shared with the other subgraphs (packages/context). */
export { JSONScalar } from '@cifra/context';
