/** The evaluation stopped: a conflict (as the module's abort), a host failure, the deadline, or a number the module refuses. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}
