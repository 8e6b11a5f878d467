/**
 * The client period machine the firm's view uses. Until the per-client close machine is wired in,
 * the interim implementation (lock moves only) stands in.
 */
export * from './client-period.port.ts';
export { interimClientPeriodPort as clientPeriodPort } from './client-period.port.ts';
