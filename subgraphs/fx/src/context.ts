import type { BaseContext } from '@cifra/context';

export type Context = BaseContext;
