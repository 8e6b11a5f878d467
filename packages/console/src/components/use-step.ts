import { useState } from 'react';

/** What became of a step a person took, and where on the page to say so. */
export interface StepOutcome<Where extends string> {
  where: Where;
  done?: string;
  error?: unknown;
}

/**
 * A step a person takes on a screen (approve, lock, request…): run it, read the screen again, and
 * only then say what happened — someone else may have acted meanwhile, so the outcome never shows
 * beside a state from before it. A read that fails is not the step's failure. `act` resolves to
 * the outcome, for the caller to clear what the step consumed (a reason) once it is done.
 */
export function useStep<Where extends string>(reload: () => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<StepOutcome<Where> | null>(null);
  const act = async (where: Where, done: string, run: () => Promise<unknown>) => {
    setBusy(true);
    setOutcome(null);
    let next: StepOutcome<Where>;
    try {
      await run();
      next = { where, done };
    } catch (error) {
      next = { where, error };
    }
    await reload().catch(() => undefined);
    setOutcome(next);
    setBusy(false);
    return next;
  };
  /** The outcome if it belongs at `where`. */
  const shown = (where: Where) => (outcome?.where === where ? outcome : null);
  return { busy, outcome, setOutcome, act, shown };
}
