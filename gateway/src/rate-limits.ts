import type { ApolloServerPlugin } from '@apollo/server';
import type { pg } from '@cifra/db';
import type { Request } from 'express';
import { type DocumentNode, GraphQLError, type OperationDefinitionNode } from 'graphql';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { variableValuesOf } from './demand-control.ts';
import { rootFieldsOf } from './operation-fields.ts';

/**
 * Token buckets per person and, for requests without a valid token, per source address. One
 * process keeps them in memory; several gateway instances share them through PostgreSQL.
 */
export interface RateLimitOptions {
  /** Points a person may spend per window; a request costs 1, costlier operations more. */
  personPoints: number;
  /** Unauthenticated or failed-authentication requests per source address per window. */
  anonymousPoints: number;
  /**
   * Downloads by signed link (`GET /exports/:token`) per person or integration per window: a
   * bucket of their own, as each streams a whole file. A link that fails verification draws from
   * its source address's `anonymousPoints` instead.
   */
  downloadPoints: number;
  windowSeconds: number;
  /** Shared by every gateway instance (the control plane's `rate_limits` table), or in memory. */
  store: { kind: 'memory' } | { kind: 'postgres'; pool: pg.Pool };
}

export const DEFAULT_RATE_LIMITS: Omit<RateLimitOptions, 'store'> = {
  personPoints: 600,
  anonymousPoints: 60,
  downloadPoints: 30,
  windowSeconds: 60,
};

/** Operations that cost the server much more than a read draw more points. */
export const OPERATION_POINTS: Readonly<Record<string, number>> = {
  investigate: 10,
  exportLedger: 5,
  exportDocumentsArchive: 5,
  exportPartyStatementsArchive: 5,
  renderDocument: 2,
  renderPartyStatement: 2,
  renderItbmsReturn: 2,
  postJournalEntries: 10,
  startBatchPeriodOperation: 10,
  provisionTenant: 20,
  backupClient: 20,
  restoreClient: 20,
};

export function rateLimited(res: RateLimiterRes): GraphQLError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new GraphQLError(`Too many requests: try again in ${seconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: seconds,
      http: { status: 429, headers: new Map([['retry-after', String(seconds)]]) },
    },
  });
}

/**
 * The source address a request without a valid token is counted against: Express's `req.ip`, the
 * connection's address unless the gateway trusts proxies in front (`trustProxyHops`), then the
 * address that many hops from the right of `X-Forwarded-For` — what a client writes there
 * itself is further left, so it cannot choose its bucket.
 */
export const sourceAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export class RateLimits {
  private readonly person: RateLimiterAbstract;
  private readonly anonymous: RateLimiterAbstract;
  private readonly download: RateLimiterAbstract;

  constructor(opts: RateLimitOptions) {
    const make = (keyPrefix: string, points: number) => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: opts.windowSeconds });
      if (opts.store.kind === 'memory') return memory;
      return new RateLimiterPostgres({
        storeClient: opts.store.pool,
        tableName: 'rate_limits',
        tableCreated: true,
        clearExpiredByTimeout: true,
        keyPrefix,
        points,
        duration: opts.windowSeconds,
        // While the shared store cannot be reached, each instance limits on its own rather than not at all.
        insuranceLimiter: memory,
      });
    };
    this.person = make('person', opts.personPoints);
    this.anonymous = make('anon', opts.anonymousPoints);
    this.download = make('download', opts.downloadPoints);
  }

  async chargeAddress(address: string): Promise<void> {
    await this.charge(this.anonymous, address, 1);
  }

  async chargePerson(key: string, points: number): Promise<void> {
    await this.charge(this.person, key, points);
  }

  /** One download by signed link, for the person (`email:…`) or integration (its id) the link names. */
  async chargeDownload(key: string): Promise<void> {
    await this.charge(this.download, key, 1);
  }

  private async charge(limiter: RateLimiterAbstract, key: string, points: number): Promise<void> {
    try {
      await limiter.consume(key, points);
    } catch (err) {
      // consume() rejects with a RateLimiterRes when the bucket is empty; anything else is a store failure.
      if (err instanceof RateLimiterRes) throw rateLimited(err);
      throw err;
    }
  }
}

/** Each this many bytes of body costs one more point. */
const BYTES_PER_POINT = 65_536;

/**
 * What a request costs before anything is read of its body: 1, and a point per 64 KiB it
 * announces (`Content-Length`; a chunked body is charged its size once it has arrived). Charged
 * as soon as the caller is known, so a body refused for its size, at the parser or by demand
 * control is paid for too — a megabyte of it seventeen times a line's price.
 */
export function bodyPoints(bytes: number): number {
  return 1 + Math.floor(bytes / BYTES_PER_POINT);
}

/**
 * What an operation costs on top of its request: each costly root field it runs, wherever it is
 * written (plainly, in an inline fragment, in a named fragment, nested) — once per response key,
 * as graphql-js runs it, so each alias is charged and a field spread twice under one key once.
 */
export function operationPoints(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables?: Readonly<Record<string, unknown>>,
): number {
  let points = 0;
  for (const field of rootFieldsOf(document, operation, variables).values())
    points += OPERATION_POINTS[field] ?? 0;
  return points;
}

/** Charges the costly operations' extra once the operation is known (before it is planned). */
export function personRatePlugin(limits: RateLimits): ApolloServerPlugin<{ rateKey?: string }> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!contextValue.rateKey || !operation) return;
          const variables = variableValuesOf(schema, operation, request.variables);
          const extra = operationPoints(document, operation, variables);
          if (extra > 0) await limits.chargePerson(contextValue.rateKey, extra);
        },
      };
    },
  };
}
