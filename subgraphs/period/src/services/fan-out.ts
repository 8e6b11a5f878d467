/** The fan-out lives with the tenant registry (`@cifra/db`), shared by every firm view. */
export {
  DEFAULT_FAN_OUT,
  type FanOutOptions,
  type FanOutResult,
  fanOut,
  type UnavailableCode,
  unavailable,
} from '@cifra/db';
