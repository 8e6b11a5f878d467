import { useEffect, useRef } from 'react';

/**
 * A ref whose element takes the keyboard's focus whenever `shown` becomes something (an action's
 * outcome, a link just made): the control that led there is often gone, and the keyboard's place
 * must not fall back to the top of the page.
 */
export function useFocusWhen<T extends HTMLElement>(shown: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown]);
  return ref;
}
