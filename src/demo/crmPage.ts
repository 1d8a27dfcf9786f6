/**
 * The demo's CRM page shown inside Flex: a payment form on another origin than the Flex page
 * (http://localhost:<port> beside http://127.0.0.1:<port>, one server, two origins), wired to the
 * recording through crm-relay.js from the functions — no desktop agent. It is what a CRM adds:
 * one script tag. Nothing typed here leaves the page.
 */

export interface CrmPageOptions {
  /** Where crm-relay.js is served (the functions). */
  functionsUrl: string;
  /** The Flex page's origin: the only one the relay script posts to. */
  flexOrigin: string;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function crmPageHtml({ functionsUrl, flexOrigin }: CrmPageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>CRM — take a payment</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 16px; color: #121c2d; background: #fff; }
  h1 { font-size: 15px; margin: 0 0 12px; }
  label { display: block; margin-bottom: 10px; font-weight: 600; font-size: 13px; }
  input { display: block; width: 100%; box-sizing: border-box; margin-top: 4px; padding: 7px 9px; border: 1px solid #8891aa; border-radius: 4px; font: inherit; }
  input:focus { outline: 2px solid #0263e0; border-color: #0263e0; }
  .row { display: flex; gap: 12px; } .row label { flex: 1; }
  .watched::after { content: " watched"; font-weight: 400; font-style: italic; color: #606b85; font-size: 12px; }
  .relay { margin-top: 8px; font-size: 12px; color: #606b85; }
</style>
</head>
<body>
<h1>Acme CRM · Jordan Rivera · balance due $129.00</h1>
<form autocomplete="off" onsubmit="event.preventDefault(); this.reset();">
  <label>Name on card <input name="name" placeholder="Jordan Rivera"></label>
  <label class="watched">Card number <input name="cardNumber" inputmode="numeric" placeholder="1234 5678 9012 3456"></label>
  <div class="row">
    <label>Expiry <input name="expiry" placeholder="MM/YY"></label>
    <label class="watched">CVV <input name="cvv" inputmode="numeric" placeholder="123"></label>
  </div>
  <label>Amount <input name="amount" value="129.00"></label>
</form>
<p class="relay" id="relay-status">crm-relay.js: asking Flex which fields to watch…</p>
<script>
  document.addEventListener('recording-controls-crm:fields', function (event) {
    var selectors = event.detail.selectors;
    document.getElementById('relay-status').textContent = 'crm-relay.js: watching ' + selectors.length + ' field(s) for Flex: ' + selectors.join(', ');
  });
</script>
<script src="${escapeAttribute(functionsUrl)}/crm-relay.js" data-flex-origin="${escapeAttribute(flexOrigin)}"></script>
</body>
</html>`;
}
