/**
 * The entry of `crm-relay.js`: started by the script tag a CRM page includes.
 *
 *   <script src="https://<functions domain>/crm-relay.js" data-flex-origin="https://flex.twilio.com"></script>
 */
import { flexOriginsOf, startCrmRelay } from './relay';

const script = document.currentScript as HTMLScriptElement | null;
const flex = window.parent !== window ? window.parent : (window.opener as Window | null);
if (flex) {
  startCrmRelay({ flex, flexOrigins: flexOriginsOf(script?.getAttribute('data-flex-origin')), page: window });
} else {
  console.warn('[recording-controls] crm-relay.js: this page is neither inside Flex nor opened from it; card fields will not pause the recording');
}
