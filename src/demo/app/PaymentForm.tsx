/**
 * A CRM's "take a payment" form. The card number and CVV fields are watched the way Smart
 * Desktop watches a screen: entering one sends its `.focus` trigger, leaving it its `.blur`
 * trigger. What is typed never leaves this component: nothing is submitted anywhere.
 */
import * as React from 'react';
import { useRef, useState } from 'react';
import type { DemoTrigger } from './demoApi';

type Watched = 'card-number' | 'cvv';

export interface PaymentFormProps {
  onTrigger(trigger: DemoTrigger): void;
  disabled: boolean;
  /** The recording state the plugin shows, repeated next to the card fields. */
  recording: React.ReactNode;
}

/** Marks the fields the desktop watches (hidden from screen readers: not part of the field's name). */
const WatchedBadge = () => (
  <em className="watched-badge" aria-hidden="true" title="Entering this field pauses the call recording">
    watched
  </em>
);

export function PaymentForm({ onTrigger, disabled, recording }: PaymentFormProps) {
  const [done, setDone] = useState(false);
  // A field whose focus was already signalled while leaving the previous one (see onBlur).
  const signalledFocus = useRef<Watched | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const watch = (id: Watched) => ({
    'data-watch': id,
    onFocus: () => {
      if (signalledFocus.current === id) signalledFocus.current = null;
      else onTrigger(`${id}.focus`);
    },
    onBlur: (event: React.FocusEvent<HTMLInputElement>) => {
      // Moving straight from one card field to the other: open the next hold before closing this
      // one, so the recording does not resume for the instant in between.
      const next = (event.relatedTarget as HTMLElement | null)?.dataset?.watch as Watched | undefined;
      if (next && next !== id) {
        signalledFocus.current = next;
        onTrigger(`${next}.focus`);
      }
      onTrigger(`${id}.blur`);
    },
  });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    formRef.current?.reset();
    setDone(true);
  };

  return (
    <form ref={formRef} className="payment" onSubmit={submit} onChange={() => setDone(false)} autoComplete="off">
      <div className="customer">
        <div className="avatar" aria-hidden="true">
          JR
        </div>
        <div>
          <div className="customer-name">Jordan Rivera</div>
          <div className="muted">Account 4471 · Premium plan · balance due $129.00</div>
        </div>
      </div>

      <label className="field">
        <span>Name on card</span>
        <input name="name" placeholder="Jordan Rivera" disabled={disabled} />
      </label>
      <div className="card-fields">
        <label className="field">
          <span>
            Card number <WatchedBadge />
          </span>
          <input name="card-number" inputMode="numeric" placeholder="1234 5678 9012 3456" disabled={disabled} {...watch('card-number')} />
        </label>
        <div className="row">
          <label className="field">
            <span>Expiry</span>
            <input name="expiry" placeholder="MM/YY" disabled={disabled} />
          </label>
          <label className="field">
            <span>
              CVV <WatchedBadge />
            </span>
            <input name="cvv" inputMode="numeric" placeholder="123" disabled={disabled} {...watch('cvv')} />
          </label>
        </div>
        <div className="recording-hint">{recording}</div>
      </div>
      <label className="field">
        <span>Amount</span>
        <input name="amount" defaultValue="129.00" disabled={disabled} />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={disabled}>
          Take payment
        </button>
        <span className="muted">{done ? 'Demo only: nothing was charged or sent. The form is cleared.' : 'Demo only: nothing is charged or sent.'}</span>
      </div>
    </form>
  );
}
