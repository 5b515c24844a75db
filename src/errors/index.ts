/** Errors: the catalogue of stable codes and the one error type every stage throws. */
export { ERROR_CODES, type ErrorCode, httpStatusFor } from './codes.js';
export {
  GatewayError,
  type GatewayErrorDetails,
  type FieldError,
  type Reason,
  type ErrorBody,
  isGatewayError,
  toErrorBody,
  asGatewayError,
} from './gateway-error.js';
